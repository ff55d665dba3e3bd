using System.Buffers;
using System.Text;

namespace Edge.DataPlane.Tls;

/// <summary>
/// Reads the ALPN protocols a ClientHello offers (RFC 7301) from the first TLS record, which SslStream
/// does not expose to the certificate selection callback: the TLS-ALPN-01 challenge (RFC 8737) must
/// be answered only to a client that offers acme-tls/1.
/// </summary>
public static class ClientHelloAlpn
{
    /// <summary>Bytes needed for the whole first record (header included), or null when the header is not there yet.</summary>
    public static int? RecordLength(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 5) return null;
        Span<byte> h = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(h);
        return 5 + (h[3] << 8 | h[4]);
    }

    public static bool Offers(ReadOnlySequence<byte> buffer, string protocol)
    {
        var length = RecordLength(buffer);
        if (length is null || buffer.Length < length) return false;
        var record = buffer.Slice(0, length.Value).ToArray();
        try { return Protocols(record).Contains(protocol); }
        catch (IndexOutOfRangeException) { return false; }   // truncated or malformed: not an ACME client
    }

    private static List<string> Protocols(byte[] r)
    {
        var result = new List<string>();
        int p = 5;
        if (r[0] != 0x16 || r[p] != 0x01) return result;   // a handshake record holding a ClientHello
        p += 4;                      // handshake type and length
        p += 2 + 32;                 // client_version, random
        p += 1 + r[p];               // session_id
        p += 2 + (r[p] << 8 | r[p + 1]);   // cipher_suites
        p += 1 + r[p];               // compression_methods
        if (p + 2 > r.Length) return result;
        int end = Math.Min(r.Length, p + 2 + (r[p] << 8 | r[p + 1]));
        p += 2;
        while (p + 4 <= end)
        {
            int type = r[p] << 8 | r[p + 1], len = r[p + 2] << 8 | r[p + 3];
            p += 4;
            if (type == 16)
            {
                int q = p + 2, listEnd = Math.Min(p + len, p + 2 + (r[p] << 8 | r[p + 1]));
                while (q < listEnd)
                {
                    int n = r[q];
                    result.Add(Encoding.ASCII.GetString(r, q + 1, n));
                    q += 1 + n;
                }
            }
            p += len;
        }
        return result;
    }
}
