using System.Security.Cryptography.X509Certificates;
using Edge.Security;

namespace Edge.Tests.Security;

/// <summary>
/// Subjects printed as Go's pkix.Name.String() prints them (Traefik's TLSClientSubject access-log
/// field): Go's attribute order, repeated attributes in one RDN, unnamed attributes as #hex of
/// Go's re-encoding, last RDN first, RFC 2253 escaping.
/// </summary>
public class GoPkixNameTests
{
    [Test]
    public async Task Attributes_are_regrouped_in_gos_order_and_printed_last_first()
    {
        var b = new X500DistinguishedNameBuilder();
        // The builder writes the DER last-added-first: OU, O=Beta, C, O=Acme, email, CN; unlike Go's order.
        b.AddCommonName("client");
        b.AddEmailAddress("a@b.example");
        b.AddOrganizationName("Acme");
        b.AddCountryOrRegion("US");
        b.AddOrganizationName("Beta");
        b.AddOrganizationalUnitName("Eng");
        var name = GoPkixName.Of(b.Build().RawData);
        // Go: repeated attributes in DER order in one RDN; the email (not a named field) goes first in the sequence, so it prints last; its value
        // is re-marshalled as a UTF8String ('@' is not printable): 0c 0b "a@b.example".
        await Assert.That(name).IsEqualTo("CN=client,OU=Eng,O=Beta+O=Acme,C=US,1.2.840.113549.1.9.1=#0c0b6140622e6578616d706c65");
    }

    [Test]
    public async Task Special_characters_are_escaped_as_go_escapes_them()
    {
        var b = new X500DistinguishedNameBuilder();
        b.AddCommonName(" Doe, John+\"x\" ");
        b.AddOrganizationName("#hash;<a>");
        await Assert.That(GoPkixName.Of(b.Build().RawData)).IsEqualTo("CN=\\ Doe\\, John\\+\\\"x\\\"\\ ,O=\\#hash\\;\\<a\\>");
    }

    [Test]
    public async Task A_printable_unnamed_attribute_is_re_encoded_as_a_printable_string_and_malformed_input_gives_what_was_read()
    {
        var b = new X500DistinguishedNameBuilder();
        b.AddCommonName("c");
        b.AddDomainComponent("example");   // IA5String in the DER; Go marshals "example" as PrintableString (13)
        await Assert.That(GoPkixName.Of(b.Build().RawData)).IsEqualTo("CN=c,0.9.2342.19200300.100.1.25=#13076578616d706c65");
        await Assert.That(GoPkixName.Of(new byte[] { 0x30, 0x05, 0x31 })).IsEqualTo("");
    }
}
