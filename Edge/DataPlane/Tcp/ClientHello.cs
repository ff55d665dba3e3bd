using System.Buffers;
using System.Text;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// Reads the server name (SNI) and the ALPN protocols of a TLS ClientHello from the bytes peeked
/// on a connection, without consuming them (Traefik's clientHelloInfo). The handshake message may
/// span several TLS records; <see cref="Outcome.NeedMore"/> asks for more bytes.
/// </summary>
public static class ClientHello
{
    public enum Outcome { NotTls, NeedMore, Parsed, Invalid }

    /// <summary>Largest ClientHello read before giving up (Go's crypto/tls caps a handshake message at 64 KiB).</summary>
    public const int MaxLength = 65536 + 5;

    public static Outcome TryRead(ReadOnlySequence<byte> data, out string serverName, out List<string> alpn)
    {
        serverName = "";
        alpn = [];
        if (data.IsEmpty) return Outcome.NeedMore;
        var first = data.FirstSpan[0];
        // SSLv2's record starts with a length with the high bit set: TLS that the handshake refuses.
        if (first == 0x80) return Outcome.Parsed;
        if (first != 0x16) return Outcome.NotTls;
        // Concatenate the handshake records' payloads until the ClientHello is complete.
        var bytes = data.Length > MaxLength ? data.Slice(0, MaxLength).ToArray() : data.ToArray();
        var message = new List<byte>();
        int pos = 0;
        int needed = -1;
        while (true)
        {
            if (needed >= 0 && message.Count >= needed) break;
            if (pos + 5 > bytes.Length) return bytes.Length >= MaxLength ? Outcome.Invalid : Outcome.NeedMore;
            if (bytes[pos] != 0x16) return Outcome.Invalid;
            int len = bytes[pos + 3] << 8 | bytes[pos + 4];
            if (len == 0 || len > 16384 + 2048) return Outcome.Invalid;
            if (pos + 5 + len > bytes.Length) return bytes.Length >= MaxLength ? Outcome.Invalid : Outcome.NeedMore;
            for (int i = 0; i < len; i++) message.Add(bytes[pos + 5 + i]);
            pos += 5 + len;
            if (needed < 0 && message.Count >= 4)
            {
                if (message[0] != 1) return Outcome.Invalid;   // not a ClientHello
                needed = 4 + (message[1] << 16 | message[2] << 8 | message[3]);
            }
        }
        return Parse(message.GetRange(4, needed - 4).ToArray(), out serverName, out alpn) ? Outcome.Parsed : Outcome.Invalid;
    }

    private static bool Parse(ReadOnlySpan<byte> hello, out string serverName, out List<string> alpn)
    {
        serverName = "";
        alpn = [];
        var r = new Reader(hello);
        if (!r.Skip(2 + 32)) return false;                   // version, random
        if (!r.Vector8(out _)) return false;                 // session id
        if (!r.Vector16(out _)) return false;                // cipher suites
        if (!r.Vector8(out _)) return false;                 // compression methods
        if (r.Remaining == 0) return true;                   // no extensions
        if (!r.Vector16(out var extensions)) return false;
        var e = new Reader(extensions);
        while (e.Remaining > 0)
        {
            if (!e.U16(out var type) || !e.Vector16(out var body)) return false;
            var b = new Reader(body);
            if (type == 0)   // server_name
            {
                if (!b.Vector16(out var list)) return false;
                var l = new Reader(list);
                while (l.Remaining > 0)
                {
                    if (!l.U8(out var nameType) || !l.Vector16(out var name)) return false;
                    if (nameType == 0) { serverName = Encoding.ASCII.GetString(name).TrimEnd('.'); break; }
                }
            }
            else if (type == 16)   // application_layer_protocol_negotiation
            {
                if (!b.Vector16(out var list)) return false;
                var l = new Reader(list);
                while (l.Remaining > 0)
                {
                    if (!l.Vector8(out var proto) || proto.Length == 0) return false;
                    alpn.Add(Encoding.ASCII.GetString(proto));
                }
            }
        }
        return true;
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;
        public readonly int Remaining => _data.Length;

        public bool Skip(int n)
        {
            if (_data.Length < n) return false;
            _data = _data[n..];
            return true;
        }

        public bool U8(out byte value)
        {
            value = 0;
            if (_data.Length < 1) return false;
            value = _data[0];
            _data = _data[1..];
            return true;
        }

        public bool U16(out int value)
        {
            value = 0;
            if (_data.Length < 2) return false;
            value = _data[0] << 8 | _data[1];
            _data = _data[2..];
            return true;
        }

        public bool Vector8(out ReadOnlySpan<byte> body)
        {
            body = default;
            if (!U8(out var n) || _data.Length < n) return false;
            body = _data[..n];
            _data = _data[n..];
            return true;
        }

        public bool Vector16(out ReadOnlySpan<byte> body)
        {
            body = default;
            if (!U16(out var n) || _data.Length < n) return false;
            body = _data[..n];
            _data = _data[n..];
            return true;
        }
    }
}
