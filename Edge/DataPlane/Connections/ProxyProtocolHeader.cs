using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Edge.DataPlane.Connections;

/// <summary>
/// The PROXY protocol header (HAProxy's spec, versions 1 and 2) that a load balancer writes before
/// a connection's first byte to pass on the client's address. A pure parser over the bytes received
/// so far: it says whether a header is there, needs more bytes, or is broken.
/// </summary>
public static class ProxyProtocolHeader
{
    public enum Outcome { None, NeedMore, Parsed, Invalid }

    /// <summary>The version 2 signature: \r\n\r\n\0\r\nQUIT\n.</summary>
    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];
    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;
    /// <summary>Version 1's longest line, CRLF included ("PROXY TCP6 " + two full IPv6 + two ports).</summary>
    private const int V1MaxLength = 107;

    /// <summary>
    /// Reads a header at the start of <paramref name="data"/>. On <see cref="Outcome.Parsed"/>,
    /// <paramref name="length"/> bytes belong to the header and <paramref name="source"/> is the
    /// client's address, or null when the header carries none (v1 UNKNOWN, v2 LOCAL, unix sockets).
    /// </summary>
    public static Outcome TryRead(ReadOnlySequence<byte> data, out int length, out IPEndPoint? source, out string? error)
    {
        length = 0; source = null; error = null;
        Span<byte> head = stackalloc byte[(int)Math.Min(data.Length, 128)];   // enough for v1 (107) and v2's addresses (52)
        data.Slice(0, head.Length).CopyTo(head);
        if (head.IsEmpty) return Outcome.NeedMore;
        if (head[0] == V2Signature[0]) return ReadV2(data, head, out length, out source, out error);
        if (head[0] == V1Prefix[0]) return ReadV1(head, out length, out source, out error);
        return Outcome.None;
    }

    private static Outcome ReadV1(ReadOnlySpan<byte> head, out int length, out IPEndPoint? source, out string? error)
    {
        length = 0; source = null; error = null;
        int n = Math.Min(head.Length, V1Prefix.Length);
        if (!head[..n].SequenceEqual(V1Prefix[..n])) return Outcome.None;   // "POST", "PUT", "PRI": not a header
        if (head.Length < V1Prefix.Length) return Outcome.NeedMore;
        int lf = head[..Math.Min(head.Length, V1MaxLength)].IndexOf((byte)'\n');
        if (lf < 0)
        {
            if (head.Length >= V1MaxLength) return Fail("PROXY v1 header longer than 107 bytes", out error);
            return Outcome.NeedMore;
        }
        if (lf == 0 || head[lf - 1] != '\r') return Fail("PROXY v1 header does not end with CRLF", out error);
        length = lf + 1;
        var fields = Encoding.ASCII.GetString(head[..(lf - 1)]).Split(' ');
        if (fields.Length >= 2 && fields[1] == "UNKNOWN") return Outcome.Parsed;   // the rest is ignored, by the spec
        if (fields.Length != 6 || fields[1] is not ("TCP4" or "TCP6"))
            return Fail("PROXY v1 header is not \"PROXY TCP4|TCP6 src dst sport dport\"", out error);
        if (!IPAddress.TryParse(fields[2], out var ip) || !IPAddress.TryParse(fields[3], out var dst)
            || (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) != (fields[1] == "TCP4")
            || dst.AddressFamily != ip.AddressFamily)
            return Fail("PROXY v1 header has an address that does not match its protocol", out error);
        if (!Port(fields[4], out var port) || !Port(fields[5], out _)) return Fail("PROXY v1 header has an invalid port", out error);
        source = new IPEndPoint(ip, port);
        return Outcome.Parsed;
    }

    private static bool Port(string s, out int port) =>
        int.TryParse(s, System.Globalization.NumberStyles.None, null, out port) && port <= 65535 && (s.Length == 1 || s[0] != '0');

    private static Outcome ReadV2(ReadOnlySequence<byte> data, ReadOnlySpan<byte> head, out int length, out IPEndPoint? source, out string? error)
    {
        length = 0; source = null; error = null;
        int n = Math.Min(head.Length, V2Signature.Length);
        if (!head[..n].SequenceEqual(V2Signature[..n])) return Outcome.None;
        if (head.Length < 16) return Outcome.NeedMore;
        int version = head[12] >> 4, command = head[12] & 0x0F;
        if (version != 2) return Fail($"PROXY v2 header with version {version}", out error);
        if (command > 1) return Fail($"PROXY v2 header with unknown command {command}", out error);
        int payload = BinaryPrimitives.ReadUInt16BigEndian(head[14..16]);
        if (data.Length < 16 + payload) return Outcome.NeedMore;
        length = 16 + payload;
        if (command == 0) return Outcome.Parsed;   // LOCAL: the proxy's own connection (a health check); keep the real address
        int family = head[13] >> 4;
        Span<byte> addresses = stackalloc byte[Math.Min(payload, 36)];
        data.Slice(16, addresses.Length).CopyTo(addresses);
        switch (family)
        {
            case 1:   // AF_INET: src 4, dst 4, sport 2, dport 2
                if (payload < 12) return Fail("PROXY v2 IPv4 header shorter than its addresses", out error);
                source = new IPEndPoint(new IPAddress(addresses[..4]), BinaryPrimitives.ReadUInt16BigEndian(addresses[8..10]));
                return Outcome.Parsed;
            case 2:   // AF_INET6: src 16, dst 16, sport 2, dport 2
                if (payload < 36) return Fail("PROXY v2 IPv6 header shorter than its addresses", out error);
                source = new IPEndPoint(new IPAddress(addresses[..16]), BinaryPrimitives.ReadUInt16BigEndian(addresses[32..34]));
                return Outcome.Parsed;
            default:  // AF_UNSPEC or AF_UNIX: no IP address to use
                return Outcome.Parsed;
        }
    }

    private static Outcome Fail(string why, out string? error)
    {
        error = why;
        return Outcome.Invalid;
    }
}
