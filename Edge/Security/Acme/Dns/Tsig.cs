using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Edge.Security.Acme.Dns;

/// <summary>A TSIG key (RFC 8945): its name, algorithm (hmac-sha1/-sha224/-sha256/-sha384/-sha512, as lego names them) and secret.</summary>
public sealed record TsigKey(string Name, string Algorithm, byte[] Secret)
{
    public static readonly string[] Algorithms = ["hmac-sha1.", "hmac-sha224.", "hmac-sha256.", "hmac-sha384.", "hmac-sha512."];

    /// <summary>The algorithm's canonical name (lower case, trailing dot), or null when not supported.</summary>
    public static string? AlgorithmName(string name)
    {
        var n = DnsMessage.Fqdn(name.Trim());
        return Algorithms.Contains(n) ? n : null;
    }

    public byte[] Mac(byte[] data) => Algorithm switch
    {
        "hmac-sha1." => HMACSHA1.HashData(Secret, data),
        "hmac-sha224." => throw new DnsException("hmac-sha224 is not available in .NET; use hmac-sha256"),
        "hmac-sha384." => HMACSHA384.HashData(Secret, data),
        "hmac-sha512." => HMACSHA512.HashData(Secret, data),
        _ => HMACSHA256.HashData(Secret, data),
    };
}

/// <summary>
/// Transaction signatures (RFC 8945 §4): the request is signed with a TSIG record appended to the
/// additional section; the server's answer is verified with the request's MAC prepended
/// (§5.3), so a forged or unsigned answer is not taken for success.
/// </summary>
public static class Tsig
{
    public const ushort Fudge = 300;
    public const int BadSig = 16, BadKey = 17, BadTime = 18;

    /// <summary>The message with its TSIG record, and the MAC (needed to verify the response).</summary>
    public static (byte[] Message, byte[] Mac) Sign(byte[] message, TsigKey key, DateTimeOffset now)
    {
        var time = (ulong)now.ToUnixTimeSeconds();
        var mac = key.Mac([.. message, .. Variables(key, time, Fudge, 0)]);
        var rdata = new List<byte>();
        DnsMessage.WriteName(rdata, key.Algorithm, canonical: true);
        U48(rdata, time); DnsMessage.U16(rdata, Fudge);
        DnsMessage.U16(rdata, (ushort)mac.Length); rdata.AddRange(mac);
        DnsMessage.U16(rdata, DnsMessage.Id(message)); DnsMessage.U16(rdata, 0); DnsMessage.U16(rdata, 0);
        var w = new List<byte>(message);
        DnsMessage.WriteName(w, key.Name, canonical: true);
        DnsMessage.U16(w, DnsRecord.Tsig); DnsMessage.U16(w, DnsRecord.Any); DnsMessage.U32(w, 0);
        DnsMessage.U16(w, (ushort)rdata.Count); w.AddRange(rdata);
        var signed = w.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(signed.AsSpan(10), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(10)) + 1));
        return (signed, mac);
    }

    /// <summary>
    /// Checks the response's TSIG against the request's MAC: null when it verifies, else why not
    /// (no TSIG, the server's TSIG error such as BADSIG, or a MAC that does not match).
    /// </summary>
    public static string? Verify(byte[] response, byte[] requestMac, TsigKey key)
    {
        var records = DnsMessage.Records(response);
        if (records.Count == 0 || records[^1].Record is not { Type: DnsRecord.Tsig } tsig || records[^1].Section != 3)
            return "the response is not signed (no TSIG record)";
        var d = tsig.Data;
        int p = 0;
        var algorithm = DnsMessage.ReadName(d, ref p);
        var time = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p)) << 32) | BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(p + 2));
        var fudge = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p + 6));
        var macSize = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p + 8));
        var mac = d.AsSpan(p + 10, macSize).ToArray();
        p += 10 + macSize;
        var originalId = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p));
        var error = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p + 2));
        var otherLen = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p + 4));
        var other = d.AsSpan(p + 6, otherLen).ToArray();
        if (error != 0) return $"the server's TSIG error is {ErrorName(error)}";
        if (tsig.Name != DnsMessage.Fqdn(key.Name) || algorithm != key.Algorithm) return $"the response is signed with another key ({tsig.Name} {algorithm})";
        var unsigned = response[..records[^1].Start];
        BinaryPrimitives.WriteUInt16BigEndian(unsigned.AsSpan(0), originalId);
        BinaryPrimitives.WriteUInt16BigEndian(unsigned.AsSpan(10), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(unsigned.AsSpan(10)) - 1));
        var prefix = new List<byte>();
        DnsMessage.U16(prefix, (ushort)requestMac.Length); prefix.AddRange(requestMac);
        var expected = key.Mac([.. prefix, .. unsigned, .. Variables(key, time, fudge, error, other)]);
        return CryptographicOperations.FixedTimeEquals(expected, mac) ? null : "the response's TSIG MAC does not verify";
    }

    /// <summary>The TSIG variables of RFC 8945 §4.3.3 (key name, class, TTL, algorithm, time, fudge, error, other data).</summary>
    private static byte[] Variables(TsigKey key, ulong time, ushort fudge, ushort error, byte[]? other = null)
    {
        var w = new List<byte>();
        DnsMessage.WriteName(w, key.Name, canonical: true);
        DnsMessage.U16(w, DnsRecord.Any); DnsMessage.U32(w, 0);
        DnsMessage.WriteName(w, key.Algorithm, canonical: true);
        U48(w, time); DnsMessage.U16(w, fudge); DnsMessage.U16(w, error);
        DnsMessage.U16(w, (ushort)(other?.Length ?? 0)); if (other is not null) w.AddRange(other);
        return [.. w];
    }

    private static void U48(List<byte> w, ulong v) { DnsMessage.U16(w, (ushort)(v >> 32)); DnsMessage.U32(w, (uint)v); }

    public static string ErrorName(int error) => error switch
    {
        BadSig => "BADSIG", BadKey => "BADKEY", BadTime => "BADTIME", 22 => "BADTRUNC", _ => $"error {error}",
    };
}
