using System.Formats.Asn1;
using System.Text;

namespace Edge.Security;

/// <summary>
/// A certificate subject written as Go's pkix.Name.String() writes it (Traefik's access-log
/// TLSClientSubject): the parsed attributes regrouped in Go's order (C, ST, L, STREET, POSTALCODE,
/// O, OU, CN, SERIALNUMBER), other attributes first as <c>oid=#hex</c>, the whole sequence printed
/// last RDN first, joined by ',' with RFC 4514 escaping. .NET's X500DistinguishedName.Name keeps
/// the DER's order and separators, which would not match a Traefik log query.
/// </summary>
public static class GoPkixName
{
    // The attribute types Go parses into named fields, in ToRDNSequence's order.
    private static readonly (string Oid, string Key)[] Parsed =
    [
        ("2.5.4.6", "C"), ("2.5.4.8", "ST"), ("2.5.4.7", "L"), ("2.5.4.9", "STREET"), ("2.5.4.17", "POSTALCODE"),
        ("2.5.4.10", "O"), ("2.5.4.11", "OU"), ("2.5.4.3", "CN"), ("2.5.4.5", "SERIALNUMBER"),
    ];

    public static string Of(ReadOnlyMemory<byte> der)
    {
        var all = new List<(string Oid, string? Value, byte[] Raw)>();
        try
        {
            var rdns = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            while (rdns.HasData)
            {
                var set = rdns.ReadSetOf();
                while (set.HasData)
                {
                    var atv = set.ReadSequence();
                    var oid = atv.ReadObjectIdentifier();
                    var raw = atv.PeekEncodedValue().ToArray();
                    all.Add((oid, ReadString(atv), raw));
                }
            }
        }
        catch (AsnContentException) { }   // a malformed name gives what was read before the fault

        // Go's RDNSequence, built first to last; printed last to first.
        var sequence = new List<string>();
        foreach (var (oid, value, raw) in all)
            if (!Parsed.Any(p => p.Oid == oid)) sequence.Add(oid + "=#" + Convert.ToHexStringLower(value is null ? raw : GoMarshal(value)));
        foreach (var (oid, key) in Parsed)
        {
            if (key is "CN" or "SERIALNUMBER")
            {
                // Single-valued in Go's Name: the last one seen wins, and an empty one is not written.
                var last = all.LastOrDefault(a => a.Oid == oid && a.Value is not null).Value;
                if (!string.IsNullOrEmpty(last)) sequence.Add(key + "=" + Escape(last));
                continue;
            }
            var values = all.Where(a => a.Oid == oid && a.Value is not null).Select(a => Escape(a.Value!)).ToList();
            if (values.Count > 0) sequence.Add(string.Join("+", values.Select(v => key + "=" + v)));
        }
        sequence.Reverse();
        return string.Join(",", sequence);
    }

    /// <summary>An attribute's value when it is one of ASN.1's character strings (Go parses only those into names); null otherwise, skipped.</summary>
    internal static string? ReadString(AsnReader atv)
    {
        var tag = atv.PeekTag();
        if (tag.TagClass != TagClass.Universal) { atv.ReadEncodedValue(); return null; }
        var type = (UniversalTagNumber)tag.TagValue;
        if (type is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
            or UniversalTagNumber.T61String or UniversalTagNumber.BMPString or UniversalTagNumber.NumericString
            or UniversalTagNumber.VisibleString or UniversalTagNumber.UniversalString)
            return atv.ReadCharacterString(type);
        atv.ReadEncodedValue();
        return null;
    }

    /// <summary>
    /// Go prints an unnamed attribute as the hex of asn1.Marshal(value): a parsed string is
    /// re-encoded as a PrintableString when every character allows it ('*' included, as Go's
    /// marshaller does), otherwise as a UTF8String, whatever string type the certificate used.
    /// </summary>
    private static byte[] GoMarshal(string value)
    {
        bool printable = value.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or ' ' or '\'' or '(' or ')' or '+' or ',' or '-' or '.' or '/' or ':' or '=' or '?' or '*');
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteCharacterString(printable ? UniversalTagNumber.PrintableString : UniversalTagNumber.UTF8String, value);
        return w.Encode();
    }

    // Go's AttributeTypeAndValue escaping (crypto/x509/pkix: RFC 2253 section 2.4).
    private static string Escape(string v)
    {
        var sb = new StringBuilder(v.Length);
        for (int i = 0; i < v.Length; i++)
        {
            char c = v[i];
            bool escape = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';'
                || (i == 0 && c is ' ' or '#') || (i == v.Length - 1 && c == ' ');
            if (escape) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
