using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// A certificate's subject alternative names in Traefik's order (getSANs): DNS names, e-mail
/// addresses, IP addresses (Go's text form), URIs.
/// </summary>
internal static class SubjectAltNames
{
    public static List<string> Of(X509Certificate2 cert)
    {
        List<string> dns = [], emails = [], ips = [], uris = [];
        foreach (var ext in cert.Extensions)
        {
            if (ext.Oid?.Value != "2.5.29.17") continue;
            try
            {
                var names = new AsnReader(ext.RawData, AsnEncodingRules.DER).ReadSequence();
                while (names.HasData)
                {
                    var tag = names.PeekTag();
                    if (tag.TagClass != TagClass.ContextSpecific) { names.ReadEncodedValue(); continue; }
                    switch (tag.TagValue)
                    {
                        case 1: emails.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, tag)); break;
                        case 2: dns.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, tag)); break;
                        case 6: uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, tag)); break;
                        case 7:
                            var bytes = names.ReadOctetString(tag);
                            if (bytes.Length is 4 or 16)
                            {
                                var ip = new IPAddress(bytes);
                                // Go prints an IPv4-mapped address in its IPv4 form.
                                ips.Add((ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString());
                            }
                            break;
                        default: names.ReadEncodedValue(); break;
                    }
                }
            }
            catch (AsnContentException) { }
        }
        return [.. dns, .. emails, .. ips, .. uris];
    }
}
