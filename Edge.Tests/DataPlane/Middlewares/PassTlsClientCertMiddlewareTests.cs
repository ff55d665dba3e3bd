using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.DataPlane.Middlewares;
using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's passTLSClientCert (pkg/middlewares/passtlsclientcert and its tests): certificates
/// made here with the shapes of Traefik's test certificates (repeated DC, C, ST, L, O, OU, CN;
/// DNS, e-mail and IP SANs), the expected headers written in Traefik's format.
/// </summary>
public class PassTlsClientCertMiddlewareTests
{
    private static readonly DateTimeOffset NotBefore = DateTimeOffset.FromUnixTimeSeconds(1544094616);
    private static readonly DateTimeOffset NotAfter = DateTimeOffset.FromUnixTimeSeconds(1607166616);

    /// <summary>A name whose DER holds the parts in the order given (the builder encodes the last added first, display order).</summary>
    private static X500DistinguishedName Name(params (string Oid, string Value)[] parts)
    {
        var b = new X500DistinguishedNameBuilder();
        foreach (var (oid, value) in parts.Reverse()) b.Add(oid, value, oid == "0.9.2342.19200300.100.1.25" ? UniversalTagNumber.IA5String : null);
        return b.Build();
    }

    private const string DC = "0.9.2342.19200300.100.1.25", C = "2.5.4.6", ST = "2.5.4.8", L = "2.5.4.7", O = "2.5.4.10", OU = "2.5.4.11", CN = "2.5.4.3", SN = "2.5.4.5", Email = "1.2.840.113549.1.9.1";

    private static readonly X500DistinguishedName Issuer = Name((DC, "org"), (DC, "cheese"), (O, "Cheese"), (O, "Cheese 2"),
        (OU, "Simple Signing Section"), (CN, "Simple Signing CA"), (CN, "Simple Signing CA 2"), (C, "FR"), (C, "US"),
        (L, "TOULOUSE"), (L, "LYON"), (ST, "Signing State"), (ST, "Signing State 2"), (Email, "simple@signing.com"));

    /// <summary>Traefik's completeCheeseCrt shape: every attribute twice, SANs of three kinds, serial 1.</summary>
    private static readonly X509Certificate2 Complete = Make(Name((DC, "org"), (DC, "cheese"), (O, "Cheese"), (O, "Cheese 2"),
        (OU, "Simple Signing Section"), (OU, "Simple Signing Section 2"), (CN, "*.cheese.org"), (CN, "*.cheese.com"), (C, "FR"), (C, "US"),
        (L, "TOULOUSE"), (L, "LYON"), (ST, "Cheese org state"), (ST, "Cheese com state"), (Email, "cert@cheese.org")), [1], sans: true);

    /// <summary>Traefik's minimalCheeseCrt shape: C, ST, O only, a large serial, no SAN.</summary>
    private static readonly X509Certificate2 Minimal = Make(Name((C, "FR"), (ST, "Some-State"), (O, "Cheese")),
        Convert.FromHexString("5458D0E064FCBE527B4219463DC23258DAC0BD94"), sans: false);

    private static X509Certificate2 Make(X500DistinguishedName subject, byte[] serial, bool sans)
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (sans)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("*.cheese.org"); san.AddEmailAddress("test@cheese.org"); san.AddDnsName("*.cheese.net");
            san.AddIpAddress(IPAddress.Parse("10.0.1.0")); san.AddEmailAddress("test@cheese.net"); san.AddDnsName("*.cheese.com");
            san.AddIpAddress(IPAddress.Parse("10.0.1.2")); san.AddUri(new Uri("spiffe://cheese.org/ns/app"));
            req.CertificateExtensions.Add(san.Build());
        }
        using var issuerKey = RSA.Create(2048);
        return req.Create(Issuer, X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1), NotBefore, NotAfter, serial);
    }

    private static TlsClientCertificateInfo AllInfo() => new()
    {
        NotAfter = true, NotBefore = true, Sans = true, SerialNumber = true,
        Subject = new TlsClientCertificateDnInfo { Country = true, Province = true, Locality = true, Organization = true, OrganizationalUnit = true, CommonName = true, SerialNumber = true, DomainComponent = true },
        Issuer = new TlsClientCertificateIssuerDnInfo { Country = true, Province = true, Locality = true, Organization = true, CommonName = true, SerialNumber = true, DomainComponent = true },
    };

    private const string IssuerText = "DC=org,DC=cheese,C=FR,C=US,ST=Signing State,ST=Signing State 2,L=TOULOUSE,L=LYON,O=Cheese,O=Cheese 2,CN=Simple Signing CA 2";

    public static IEnumerable<(string Name, bool Minimal, Func<TlsClientCertificateInfo> Info, string Expected)> InfoCases()
    {
        yield return ("complete, all info", false, AllInfo,
            "Subject=\"DC=org,DC=cheese,C=FR,C=US,ST=Cheese org state,ST=Cheese com state,L=TOULOUSE,L=LYON,O=Cheese,O=Cheese 2,OU=Simple Signing Section,OU=Simple Signing Section 2,CN=*.cheese.com\";"
            + $"Issuer=\"{IssuerText}\";SerialNumber=\"1\";NB=\"1544094616\";NA=\"1607166616\";"
            + "SAN=\"*.cheese.org,*.cheese.net,*.cheese.com,test@cheese.org,test@cheese.net,10.0.1.0,10.0.1.2,spiffe://cheese.org/ns/app\"");
        yield return ("minimal, all info", true, AllInfo,
            $"Subject=\"C=FR,ST=Some-State,O=Cheese\";Issuer=\"{IssuerText}\";SerialNumber=\"481535886039632329873080491016862977516759989652\";NB=\"1544094616\";NA=\"1607166616\"");
        // Traefik's "some info" and "non-existent info" cases: OU asked but absent, no SAN to show.
        yield return ("minimal, some info", true, () => new TlsClientCertificateInfo
        {
            NotAfter = true, Sans = true,
            Subject = new TlsClientCertificateDnInfo { Organization = true, OrganizationalUnit = true },
            Issuer = new TlsClientCertificateIssuerDnInfo { Country = true },
        }, "Subject=\"O=Cheese\";Issuer=\"C=FR,C=US\";NA=\"1607166616\"");
        // An empty subject selection gives no Subject field at all.
        yield return ("empty subject selection", true, () => new TlsClientCertificateInfo { Subject = new TlsClientCertificateDnInfo() }, "");
    }

    [Test]
    [MethodDataSource(nameof(InfoCases))]
    public async Task Info_header_carries_the_selected_details_in_Traefiks_format(string name, bool minimal, Func<TlsClientCertificateInfo> info, string expected)
    {
        var cert = minimal ? Minimal : Complete;
        var h = await MiddlewareHarness.RunAsync(new Middleware { PassTlsClientCert = new PassTlsClientCertConfig { Info = info() } },
            request: r => r.HttpContext.Connection.ClientCertificate = cert, https: true);
        await Assert.That(h.Forwarded).IsTrue();
        await Assert.That(Uri.UnescapeDataString(h.RequestHeader("X-Forwarded-Tls-Client-Cert-Info").Replace('+', ' '))).IsEqualTo(expected).Because(name);
        await Assert.That(h.RequestHeader("X-Forwarded-Tls-Client-Cert")).IsEqualTo("").Because("pem is not set");
        await Assert.That(h.ResponseHeader("X-Forwarded-Tls-Client-Cert-Info")).IsEqualTo("");
    }

    [Test]
    public async Task Info_header_is_query_escaped_as_Go_does()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { PassTlsClientCert = new PassTlsClientCertConfig { Info = new TlsClientCertificateInfo { Subject = new TlsClientCertificateDnInfo { Organization = true, Province = true } } } },
            request: r => r.HttpContext.Connection.ClientCertificate = Minimal, https: true);
        await Assert.That(h.RequestHeader("X-Forwarded-Tls-Client-Cert-Info")).IsEqualTo("Subject%3D%22ST%3DSome-State%2CO%3DCheese%22");
    }

    [Test]
    public async Task Pem_header_is_the_certificate_without_armour_or_newlines()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { PassTlsClientCert = new PassTlsClientCertConfig { Pem = true } },
            request: r => r.HttpContext.Connection.ClientCertificate = Complete, https: true);
        var expected = Complete.ExportCertificatePem().Replace("-----BEGIN CERTIFICATE-----", "").Replace("-----END CERTIFICATE-----", "").Replace("\n", "");
        await Assert.That(h.RequestHeader("X-Forwarded-Tls-Client-Cert")).IsEqualTo(expected);
        await Assert.That(h.RequestHeader("X-Forwarded-Tls-Client-Cert-Info")).IsEqualTo("").Because("info is not set");
    }

    [Test]
    [Arguments(true)]
    [Arguments(false)]
    public async Task Without_a_client_certificate_nothing_is_set(bool pem)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { PassTlsClientCert = new PassTlsClientCertConfig { Pem = pem, Info = AllInfo() } }, https: true);
        await Assert.That(h.Forwarded).IsTrue();
        await Assert.That(h.RequestHeader("X-Forwarded-Tls-Client-Cert")).IsEqualTo("");
        await Assert.That(h.RequestHeader("X-Forwarded-Tls-Client-Cert-Info")).IsEqualTo("");
    }

    [Test]
    public async Task No_option_sets_nothing_even_with_a_certificate()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { PassTlsClientCert = new PassTlsClientCertConfig() },
            request: r => r.HttpContext.Connection.ClientCertificate = Complete, https: true);
        await Assert.That(h.RequestHeader("X-Forwarded-Tls-Client-Cert")).IsEqualTo("");
        await Assert.That(h.RequestHeader("X-Forwarded-Tls-Client-Cert-Info")).IsEqualTo("");
    }
}
