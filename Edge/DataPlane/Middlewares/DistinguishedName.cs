using System.Formats.Asn1;
using System.Text;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// A certificate name as Go's pkix.Name fills it from the DER: repeated attributes (C, ST, L, O,
/// OU) kept in order, single ones (CN, serialNumber) the last seen, domain components in order.
/// <see cref="Describe"/> writes Traefik's passTLSClientCert text: DC, C, ST, L, O, OU, SN, CN.
/// </summary>
internal sealed class DistinguishedName
{
    private const string DomainComponentOid = "0.9.2342.19200300.100.1.25";
    private readonly List<string> _dc = [], _c = [], _st = [], _l = [], _o = [], _ou = [];
    private string _cn = "", _sn = "";

    public static DistinguishedName Parse(ReadOnlyMemory<byte> der)
    {
        var name = new DistinguishedName();
        try
        {
            var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var set = sequence.ReadSetOf();
                while (set.HasData)
                {
                    var atv = set.ReadSequence();
                    var oid = atv.ReadObjectIdentifier();
                    if (Security.GoPkixName.ReadString(atv) is { } value) name.Add(oid, value);
                }
            }
        }
        catch (AsnContentException) { }   // a malformed name gives what was read before the fault
        return name;
    }

    private void Add(string oid, string value)
    {
        switch (oid)
        {
            case DomainComponentOid: _dc.Add(value); break;
            case "2.5.4.6": _c.Add(value); break;
            case "2.5.4.8": _st.Add(value); break;
            case "2.5.4.7": _l.Add(value); break;
            case "2.5.4.10": _o.Add(value); break;
            case "2.5.4.11": _ou.Add(value); break;
            case "2.5.4.3": _cn = value; break;
            case "2.5.4.5": _sn = value; break;
        }
    }

    public string Describe(bool? dc, bool? c, bool? st, bool? l, bool? o, bool? ou, bool? sn, bool? cn)
    {
        var sb = new StringBuilder();
        void Parts(bool? wanted, List<string> values, string prefix)
        {
            if (wanted != true) return;
            foreach (var v in values)
                if (v.Length > 0) sb.Append(prefix).Append('=').Append(v).Append(',');
        }
        // Traefik writes DC even when empty (fmt of the raw value), the others only when non-empty.
        if (dc == true) foreach (var v in _dc) sb.Append("DC=").Append(v).Append(',');
        Parts(c, _c, "C");
        Parts(st, _st, "ST");
        Parts(l, _l, "L");
        Parts(o, _o, "O");
        Parts(ou, _ou, "OU");
        Parts(sn, [_sn], "SN");
        Parts(cn, [_cn], "CN");
        if (sb.Length > 0) sb.Length--;   // the trailing separator, trimmed as Traefik does
        return sb.ToString();
    }
}
