using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Tenancy;

namespace Edge.Tests.DataPlane.Tls;

/// <summary>
/// Which certificate a handshake is given for its SNI name, straight from <see cref="CertificateStore"/>:
/// an exact name before a wildcard, a wildcard for one label only, the default certificate when
/// nothing matches, and in tenancy mode only names the certificate's namespace owns.
/// </summary>
public class CertificateSelectionTests
{
    // Building the default context reads the trust store: once for the class.
    private static readonly SslStreamCertificateContext Default = CertificateStore.CreateDefault();
    private const string DefaultSubject = "CN=TRAEFIK DEFAULT CERT";

    /// <summary>A self-signed certificate with CN <paramref name="cn"/> and these DNS SANs (none: the CN alone names it).</summary>
    private static CertAndStores Cert(string cn, string[] dnsNames, string? secret = null, IReadOnlyCollection<string>? allowed = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=" + cn, key, HashAlgorithmName.SHA256);
        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var n in dnsNames) san.AddDnsName(n);
            req.CertificateExtensions.Add(san.Build());
        }
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return new CertAndStores { CertFile = cert.ExportCertificatePem(), KeyFile = key.ExportPkcs8PrivateKeyPem(), SourceSecret = secret, Namespace = secret?.Split('/')[0], AllowedNames = allowed };
    }

    private static CertAndStores Cert(string cn, params string[] dnsNames) => Cert(cn, dnsNames, null, null);

    private static CertificateStore Store(params CertAndStores[] certs) => new(new TlsConfig { Certificates = [.. certs] }, Default);

    private static string Subject(CertificateStore store, string? sni) => store.Select(sni).TargetCertificate.Subject;

    [Test]
    public async Task An_exact_name_is_chosen_over_a_wildcard_whatever_their_order()
    {
        var wild = Cert("wild", "*.example.com");
        var exact = Cert("exact", "app.example.com");
        foreach (var store in new[] { Store(wild, exact), Store(exact, wild) })
        {
            await Assert.That(Subject(store, "app.example.com")).IsEqualTo("CN=exact");
            await Assert.That(Subject(store, "api.example.com")).IsEqualTo("CN=wild");
        }
    }

    [Test]
    public async Task A_wildcard_covers_one_label_only_and_not_the_apex()
    {
        var store = Store(Cert("wild", "*.example.com"));
        await Assert.That(Subject(store, "a.example.com")).IsEqualTo("CN=wild");
        await Assert.That(Subject(store, "a.b.example.com")).IsEqualTo(DefaultSubject);
        await Assert.That(Subject(store, "example.com")).IsEqualTo(DefaultSubject);
        await Assert.That(Subject(store, "aexample.com")).IsEqualTo(DefaultSubject);
        await Assert.That(store.Has("a.b.example.com")).IsFalse();
        await Assert.That(store.Has("a.example.com")).IsTrue();
    }

    [Test]
    public async Task The_default_certificate_is_given_when_nothing_matches_or_no_name_is_sent()
    {
        var store = Store(Cert("exact", "app.example.com"));
        await Assert.That(Subject(store, "other.example.org")).IsEqualTo(DefaultSubject);
        await Assert.That(Subject(store, null)).IsEqualTo(DefaultSubject).Because("a client without SNI (an IP address) gets the default");
        await Assert.That(Subject(store, "")).IsEqualTo(DefaultSubject);
        await Assert.That(store.Has("other.example.org")).IsFalse();
        await Assert.That(Subject(Store(), "app.example.com")).IsEqualTo(DefaultSubject).Because("no certificates configured at all");
    }

    [Test]
    public async Task Names_match_in_any_case_and_with_a_trailing_dot()
    {
        var store = Store(Cert("exact", "app.example.com"), Cert("wild", "*.Example.NET"));
        await Assert.That(Subject(store, "APP.Example.com")).IsEqualTo("CN=exact");
        await Assert.That(Subject(store, "app.example.com.")).IsEqualTo("CN=exact");
        await Assert.That(Subject(store, "x.example.net.")).IsEqualTo("CN=wild");
    }

    [Test]
    public async Task Every_SAN_names_the_certificate_and_the_CN_only_without_SANs()
    {
        var store = Store(Cert("multi", "a.example.org", "b.example.org", "*.c.example.org"), Cert("cn-only.example.org"),
            Cert("cn-ignored.example.org", "san.example.org"));
        await Assert.That(Subject(store, "a.example.org")).IsEqualTo("CN=multi");
        await Assert.That(Subject(store, "b.example.org")).IsEqualTo("CN=multi");
        await Assert.That(Subject(store, "x.c.example.org")).IsEqualTo("CN=multi");
        await Assert.That(Subject(store, "cn-only.example.org")).IsEqualTo("CN=cn-only.example.org");
        await Assert.That(Subject(store, "san.example.org")).IsEqualTo("CN=cn-ignored.example.org");
        await Assert.That(Subject(store, "cn-ignored.example.org")).IsEqualTo(DefaultSubject).Because("with SANs present the CN names nothing, as in browsers");
    }

    [Test]
    public async Task A_certificate_that_does_not_parse_is_skipped_and_the_others_still_serve()
    {
        var bad = new CertAndStores { CertFile = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n", KeyFile = "nope", SourceSecret = "default/bad" };
        var store = Store(bad, Cert("good", "app.example.com"));
        await Assert.That(Subject(store, "app.example.com")).IsEqualTo("CN=good");
        await Assert.That(store.Leaves.Count).IsEqualTo(1);
        await Assert.That(string.Join(",", store.Certificates.Select(c => c.Name))).IsEqualTo("app.example.com");
    }

    [Test]
    public async Task The_intermediates_in_the_certificate_file_are_sent_with_the_leaf()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootReq = new CertificateRequest("CN=test root", rootKey, HashAlgorithmName.SHA256);
        rootReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(60));
        using var midKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var midReq = new CertificateRequest("CN=test intermediate", midKey, HashAlgorithmName.SHA256);
        midReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var midPublic = midReq.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(50), [1]);
        using var mid = midPublic.CopyWithPrivateKey(midKey);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafReq = new CertificateRequest("CN=chained", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("chained.example.com");
        leafReq.CertificateExtensions.Add(san.Build());
        using var leaf = leafReq.Create(mid, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [2]);

        var store = Store(new CertAndStores { CertFile = leaf.ExportCertificatePem() + "\n" + mid.ExportCertificatePem(), KeyFile = leafKey.ExportPkcs8PrivateKeyPem() });
        var selected = store.Select("chained.example.com");
        await Assert.That(selected.TargetCertificate.Subject).IsEqualTo("CN=chained");
        await Assert.That(string.Join(",", selected.IntermediateCertificates.Select(c => c.Subject))).IsEqualTo("CN=test intermediate");
    }

    [Test]
    public async Task Tenancy_offers_a_certificate_only_for_names_its_namespace_owns()
    {
        // team-b's certificate covers two names, but team-b owns only one of them.
        var both = Cert("team-b", ["x.example.net", "y.example.net"], "team-b/both", allowed: ["x.example.net"]);
        var ownership = new HostOwnership(new Dictionary<string, string> { ["x.example.net"] = "team-b", ["y.example.net"] = "team-a" }, new Dictionary<string, string>());
        var store = new CertificateStore(new TlsConfig { Certificates = [both] }, Default, ownership);
        await Assert.That(Subject(store, "x.example.net")).IsEqualTo("CN=team-b");
        await Assert.That(Subject(store, "y.example.net")).IsEqualTo(DefaultSubject);
        await Assert.That(store.Has("y.example.net")).IsFalse();
    }

    [Test]
    public async Task Tenancy_offers_a_wildcard_certificate_except_for_names_another_namespace_owns_exactly()
    {
        var wild = Cert("team-b", ["*.example.com"], "team-b/wild", allowed: ["*.example.com"]);
        var own = Cert("team-a", ["a.example.com"], "team-a/own", allowed: ["a.example.com"]);
        var ownership = new HostOwnership(
            new Dictionary<string, string> { ["a.example.com"] = "team-a", ["c.example.com"] = "team-c" },
            new Dictionary<string, string> { ["example.com"] = "team-b" });
        var store = new CertificateStore(new TlsConfig { Certificates = [wild, own] }, Default, ownership);
        await Assert.That(Subject(store, "b.example.com")).IsEqualTo("CN=team-b");
        await Assert.That(Subject(store, "a.example.com")).IsEqualTo("CN=team-a").Because("team-a owns it and has its own certificate");
        await Assert.That(Subject(store, "c.example.com")).IsEqualTo(DefaultSubject).Because("team-c owns it exactly and has no certificate; team-b's wildcard is not offered");
        await Assert.That(Subject(store, "C.Example.com.")).IsEqualTo(DefaultSubject);
    }

    [Test]
    public async Task Tenancy_does_not_index_a_declared_name_the_certificate_does_not_cover()
    {
        var cert = Cert("team-a", ["a.example.com"], "team-a/own", allowed: ["a.example.com", "other.example.com", "*.example.com"]);
        var ownership = new HostOwnership(new Dictionary<string, string> { ["a.example.com"] = "team-a", ["other.example.com"] = "team-a" },
            new Dictionary<string, string> { ["example.com"] = "team-a" });
        var store = new CertificateStore(new TlsConfig { Certificates = [cert] }, Default, ownership);
        await Assert.That(Subject(store, "a.example.com")).IsEqualTo("CN=team-a");
        await Assert.That(Subject(store, "other.example.com")).IsEqualTo(DefaultSubject);
        await Assert.That(Subject(store, "b.example.com")).IsEqualTo(DefaultSubject);
    }
}
