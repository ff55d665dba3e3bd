using System.Buffers.Binary;
using System.Text;

namespace Edge.Security.Acme.Dns;

/// <summary>A resource record as read from a message (RFC 1035 §4.1.3); names absolute, lower case, with the trailing dot.</summary>
public sealed record DnsRecord(string Name, ushort Type, ushort Class, uint Ttl, byte[] Data, int DataOffset)
{
    public const ushort A = 1, Soa = 6, Txt = 16, Tsig = 250, Any = 255, None = 254, In = 1;
}

/// <summary>
/// The few DNS messages DNS-01 needs, encoded and decoded by hand (RFC 1035, RFC 2136): an UPDATE
/// whose zone section names the zone and whose update section adds (class IN) or deletes (class
/// NONE, RFC 2136 §2.5.4) one TXT record, and plain queries (SOA to find the zone, TXT to see the
/// record). Names are written uncompressed; compression is followed when reading.
/// </summary>
public static class DnsMessage
{
    public const int OpQuery = 0, OpUpdate = 5;

    public static byte[] Update(ushort id, string zone, string name, string value, uint ttl, bool delete)
    {
        var w = new List<byte>();
        Header(w, id, OpUpdate << 11, qd: 1, an: 0, ns: 1, ar: 0);
        WriteName(w, zone); U16(w, DnsRecord.Soa); U16(w, DnsRecord.In);
        WriteName(w, name); U16(w, DnsRecord.Txt); U16(w, delete ? DnsRecord.None : DnsRecord.In);
        U32(w, delete ? 0 : ttl);
        var rdata = TxtData(value);
        U16(w, (ushort)rdata.Length); w.AddRange(rdata);
        return [.. w];
    }

    public static byte[] Query(ushort id, string name, ushort type)
    {
        var w = new List<byte>();
        Header(w, id, 0x0100 /* RD */, qd: 1, an: 0, ns: 0, ar: 0);
        WriteName(w, name); U16(w, type); U16(w, DnsRecord.In);
        return [.. w];
    }

    /// <summary>TXT RDATA: the value as character-strings of at most 255 bytes.</summary>
    public static byte[] TxtData(string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        var w = new List<byte>();
        for (int i = 0; i == 0 || i < bytes.Length; i += 255)
        {
            var n = Math.Min(255, bytes.Length - i);
            w.Add((byte)n); w.AddRange(bytes.AsSpan(i, n).ToArray());
        }
        return [.. w];
    }

    public static void Header(List<byte> w, ushort id, int flags, int qd, int an, int ns, int ar)
    {
        U16(w, id); U16(w, (ushort)flags); U16(w, (ushort)qd); U16(w, (ushort)an); U16(w, (ushort)ns); U16(w, (ushort)ar);
    }

    /// <summary>A name in wire format, uncompressed; lower-cased when <paramref name="canonical"/> (RFC 8945 §4.3.3).</summary>
    public static void WriteName(List<byte> w, string name, bool canonical = false)
    {
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var b = Encoding.ASCII.GetBytes(canonical ? label.ToLowerInvariant() : label);
            if (b.Length > 63) throw new DnsException($"the label \"{label}\" is longer than 63 bytes");
            w.Add((byte)b.Length); w.AddRange(b);
        }
        w.Add(0);
    }

    public static void U16(List<byte> w, ushort v) { w.Add((byte)(v >> 8)); w.Add((byte)v); }
    public static void U32(List<byte> w, uint v) { U16(w, (ushort)(v >> 16)); U16(w, (ushort)v); }

    public static ushort Id(ReadOnlySpan<byte> m) => BinaryPrimitives.ReadUInt16BigEndian(m);
    public static int Opcode(ReadOnlySpan<byte> m) => (m[2] >> 3) & 0xF;
    public static int Rcode(ReadOnlySpan<byte> m) => m[3] & 0xF;
    public static bool IsResponse(ReadOnlySpan<byte> m) => (m[2] & 0x80) != 0;

    /// <summary>Every record of the answer, authority and additional sections, in order, with where each starts.</summary>
    public static List<(int Section, int Start, DnsRecord Record)> Records(byte[] m)
    {
        if (m.Length < 12) throw new DnsException("a DNS message shorter than its header");
        int pos = 12;
        var counts = new int[4];
        for (int i = 0; i < 4; i++) counts[i] = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(4 + 2 * i));
        for (int i = 0; i < counts[0]; i++) { ReadName(m, ref pos); pos += 4; }
        var list = new List<(int, int, DnsRecord)>();
        for (int s = 1; s < 4; s++)
            for (int i = 0; i < counts[s]; i++)
            {
                var start = pos;
                var name = ReadName(m, ref pos);
                if (pos + 10 > m.Length) throw new DnsException("a truncated resource record");
                var type = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(pos));
                var cls = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(pos + 2));
                var ttl = BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(pos + 4));
                var len = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(pos + 8));
                pos += 10;
                if (pos + len > m.Length) throw new DnsException("a truncated resource record");
                list.Add((s, start, new DnsRecord(name, type, cls, ttl, m[pos..(pos + len)], pos)));
                pos += len;
            }
        return list;
    }

    /// <summary>Reads a possibly compressed name (RFC 1035 §4.1.4); absolute, lower case.</summary>
    public static string ReadName(byte[] m, ref int pos)
    {
        var sb = new StringBuilder();
        int p = pos, jumps = 0;
        bool jumped = false;
        while (true)
        {
            if (p >= m.Length) throw new DnsException("a truncated name");
            int len = m[p];
            if ((len & 0xC0) == 0xC0)
            {
                if (p + 1 >= m.Length || ++jumps > 64) throw new DnsException("a bad compression pointer");
                if (!jumped) pos = p + 2;
                jumped = true;
                p = ((len & 0x3F) << 8) | m[p + 1];
                continue;
            }
            p++;
            if (len == 0) break;
            if (p + len > m.Length) throw new DnsException("a truncated label");
            sb.Append(Encoding.ASCII.GetString(m, p, len).ToLowerInvariant()).Append('.');
            p += len;
        }
        if (!jumped) pos = p;
        return sb.Length == 0 ? "." : sb.ToString();
    }

    /// <summary>The strings of a TXT record's RDATA, joined (as lego compares them).</summary>
    public static string TxtValue(byte[] data)
    {
        var sb = new StringBuilder();
        for (int p = 0; p < data.Length; p += 1 + data[p])
            sb.Append(Encoding.ASCII.GetString(data, p + 1, Math.Min(data[p], data.Length - p - 1)));
        return sb.ToString();
    }

    public static string Fqdn(string name) => name.EndsWith('.') ? name.ToLowerInvariant() : name.ToLowerInvariant() + ".";

    public static string RcodeName(int rcode) => rcode switch
    {
        0 => "NOERROR", 1 => "FORMERR", 2 => "SERVFAIL", 3 => "NXDOMAIN", 4 => "NOTIMP", 5 => "REFUSED",
        6 => "YXDOMAIN", 7 => "YXRRSET", 8 => "NXRRSET", 9 => "NOTAUTH", 10 => "NOTZONE", _ => $"RCODE{rcode}",
    };
}

public sealed class DnsException(string message) : Exception(message);
