using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Edge.Aggregation;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Tls;
using Edge.Hosting;
using Edge.Model;
using Edge.Providers.Acme;
using Edge.Security.Acme;
using Edge.Tenancy;

namespace Edge.Tests.Acme;

/// <summary>
/// Tenancy mode and ACME: a namespace asks only for certificates of hosts it owns, and an ACME
/// certificate is offered only for names whose owner asks for it (the Secret certificates' scoping).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class AcmeTenancyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-acme-ten-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly StaticConfig Statics = ConfigLoader.Load(["--entrypoints.websecure.address=:443",
        "--certificatesresolvers.le.acme.tlschallenge=true", "--providers.kubernetesingress=true"], new Dictionary<string, string?>());

    private static Router Tenant(string ns, string rule, params TlsDomain[] domains) => new()
    {
        Rule = rule, Service = "s", EntryPoints = ["websecure"],
        Tls = new RouterTls { CertResolver = "le", Domains = domains.Length > 0 ? [.. domains] : null },
        Namespace = ns,
        Observability = new RouterObservability { Metadata = new ObservabilityMetadata { Ingress = new IngressMetadata { Namespace = ns, IngressName = "ing" } } },
    };

    /// <summary>A owns app.a.example (first claimant), B owns b.example; nobody owns nobody.example.</summary>
    private static HostOwnership Owners(string appOwner = "team-a") =>
        new(new Dictionary<string, string> { ["app.a.example"] = appOwner, ["b.example"] = "team-b" }, new Dictionary<string, string>());

    private static DynamicConfig Config(HostOwnership? ownership)
    {
        var config = new DynamicConfig { HostOwnership = ownership };
        config.Http.Routers["a-app"] = Tenant("team-a", "Host(`app.a.example`)");
        config.Http.Routers["b-steal"] = Tenant("team-b", "Host(`b.example`)", new TlsDomain { Main = "b.example", Sans = ["App.A.example."] });
        config.Http.Routers["b-mixed"] = Tenant("team-b", "Host(`b.example`) || Host(`app.a.example`)");
        config.Http.Routers["b-nobody"] = Tenant("team-b", "Host(`nobody.example`)");
        config.Http.Routers["admin@file"] = new Router { Rule = "Host(`app.a.example`) || Host(`admin.example`)", Service = "s", EntryPoints = ["websecure"], Tls = new RouterTls { CertResolver = "le" } };
        return config;
    }

    private static List<string> Shown(List<DomainSet> sets) =>
        sets.Select(s => string.Join(",", s.Domains) + " <- " + string.Join(",", s.Routers)).Order(StringComparer.Ordinal).ToList();

    [Test]
    [Arguments(true)]
    [Arguments(false)]
    public async Task A_namespace_asks_only_for_certificates_of_hosts_it_owns(bool tenancy)
    {
        var refused = new List<DemandRefusal>();
        var sets = CertificateDemand.For("le", Config(tenancy ? Owners() : null), Statics, r => AcmeWiring.HostsOf(r, RuleSyntax.V3), refused);
        if (!tenancy)
        {
            await Assert.That(refused).IsEmpty();
            await Assert.That(Shown(sets)).IsEquivalentTo(new[]
            {
                "app.a.example <- a-app@kubernetes",
                "app.a.example,admin.example <- admin@file",
                "b.example,app.a.example <- b-mixed@kubernetes,b-steal@kubernetes",
                "nobody.example <- b-nobody@kubernetes",
            });
            return;
        }
        // b-steal's tls.domains names A's host: refused whole; b-mixed keeps its own host; the administrator is not restricted.
        await Assert.That(Shown(sets)).IsEquivalentTo(new[]
        {
            "app.a.example <- a-app@kubernetes",
            "app.a.example,admin.example <- admin@file",
            "b.example <- b-mixed@kubernetes",
        });
        var shown = refused.Select(r => $"{r.Router} {r.Namespace} {r.Host} {r.Owner ?? "-"} {r.Explicitly}").Order(StringComparer.Ordinal).ToList();
        await Assert.That(shown).IsEquivalentTo(new[]
        {
            "b-mixed@kubernetes team-b app.a.example team-a False",
            "b-nobody@kubernetes team-b nobody.example - False",
            "b-steal@kubernetes team-b app.a.example team-a True",
        });
        await Assert.That(refused.Single(r => r.Explicitly).Message).IsEqualTo(
            "router \"b-steal@kubernetes\" of namespace \"team-b\" asks for a certificate for host \"app.a.example\", which belongs to namespace \"team-a\"; the certificate (tls.domains) is not requested");
    }

    [Test]
    public async Task A_router_whose_tls_domains_name_another_namespaces_host_is_in_error()
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        CertResolverCheck.AddErrors(Config(Owners()), Statics, new Dictionary<string, string>(), errors);
        await Assert.That(errors.Keys).IsEquivalentTo(new[] { "b-steal" });
        await Assert.That(errors["b-steal"]).IsEqualTo(
            "certificate resolver \"le\": tls.domains host \"app.a.example\" belongs to namespace \"team-a\"; namespace \"team-b\" may only obtain certificates for hosts it owns");
        var outside = new Dictionary<string, string>(StringComparer.Ordinal);
        CertResolverCheck.AddErrors(Config(null), Statics, new Dictionary<string, string>(), outside);
        await Assert.That(outside).IsEmpty();
    }

    [Test]
    [Arguments("app.a.example", "app.a.example", true, "app.a.example")]
    [Arguments("app.a.example", "", true, "")]                             // nobody asks for it (any more): offered for nothing
    [Arguments("app.a.example,www.a.example", "app.a.example", true, "app.a.example")]   // a SAN nobody asks for is not offered
    [Arguments("*.a.example", "app.a.example", true, "app.a.example")]     // a wildcard from acme.json: only the names asked for
    [Arguments("app.a.example", "other.example", true, "")]
    [Arguments("app.a.example", "", false, null)]                          // outside tenancy mode: any name it covers
    public async Task An_acme_certificate_is_offered_only_for_the_names_asked_for(string certificate, string wanted, bool tenancy, string? allowed)
    {
        var sets = wanted.Length == 0 ? new List<DomainSet>() : [new DomainSet(wanted.Split(','), ["r"])];
        var names = CertificateScope.AllowedNames(certificate.Split(','), sets, tenancy);
        await Assert.That(names is null ? null : string.Join(",", names)).IsEqualTo(allowed);
    }

    private static (string Cert, string Key) SelfSigned(string name)
    {
        using var k = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=" + name, k, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        req.CertificateExtensions.Add(san.Build());
        using var c = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        return (c.ExportCertificatePem() + "\n", k.ExportECPrivateKeyPem() + "\n");
    }

    private static readonly SslStreamCertificateContext DefaultCertificate = CertificateStore.CreateDefault();

    private static string Served(IReadOnlyList<CertAndStores> published, DynamicConfig config, string sni) =>
        new CertificateStore(new TlsConfig { Certificates = [.. published] }, DefaultCertificate, config.HostOwnership).Select(sni).TargetCertificate.Subject;

    /// <summary>
    /// The resolver with an acme.json holding a certificate for A's host (no order is placed: it is
    /// covered and not due). A's router asks for it: offered for app.a.example. B becomes the owner
    /// (A's Ingress deleted) and asks for nothing from the resolver: the certificate is withdrawn.
    /// </summary>
    [Test]
    public async Task A_certificate_ordered_for_a_namespace_is_served_for_its_host_and_withdrawn_when_the_owner_changes()
    {
        var path = Path.Combine(_dir, "acme.json");
        var file = new AcmeFileStore(path);
        file.Check();
        var (cert, key) = SelfSigned("app.a.example");
        file.Save("le", null, [new AcmeCertificateRecord("app.a.example", [], cert, key)]);

        var published = Channel.CreateUnbounded<IReadOnlyList<CertAndStores>>();
        var options = new AcmeResolverOptions { Name = "le", Storage = path, TlsChallenge = true };
        var resolver = new AcmeResolver(options, new ChallengeResponder(),
            c => CertificateDemand.For("le", c, Statics, r => AcmeWiring.HostsOf(r, RuleSyntax.V3)),
            certs => { published.Writer.TryWrite(certs); return Task.CompletedTask; });
        resolver.Initialize();

        var owned = new DynamicConfig { HostOwnership = Owners() };
        owned.Http.Routers["a-app"] = Tenant("team-a", "Host(`app.a.example`)");
        var stolen = new DynamicConfig { HostOwnership = Owners("team-b") };
        stolen.Http.Routers["b-app"] = new Router { Rule = "Host(`app.a.example`)", Service = "s", EntryPoints = ["websecure"], Tls = new RouterTls(), Namespace = "team-b",
            Observability = new RouterObservability { Metadata = new ObservabilityMetadata { Ingress = new IngressMetadata { Namespace = "team-b" } } } };
        // The stale router of A (disabled by tenancy now) still names the resolver: it must not keep the certificate alive.
        stolen.Http.Routers["a-app"] = Tenant("team-a", "Host(`app.a.example`)");
        stolen.Http.Routers["a-app"].DisabledReason = "host \"app.a.example\" belongs to namespace \"team-b\"";

        resolver.OnConfiguration(owned);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var loop = resolver.RunAsync(cts.Token);
        var first = await published.Reader.ReadAsync(cts.Token);
        await Assert.That(first.Single().AllowedNames!).IsEquivalentTo(new[] { "app.a.example" });
        await Assert.That(Served(first, owned, "app.a.example")).IsEqualTo("CN=app.a.example");

        resolver.OnConfiguration(stolen);
        IReadOnlyList<CertAndStores> latest;
        do latest = await published.Reader.ReadAsync(cts.Token);
        while (latest.Single().AllowedNames!.Count > 0);
        await Assert.That(Served(latest, stolen, "app.a.example")).IsEqualTo("CN=TRAEFIK DEFAULT CERT");
        await Assert.That(resolver.OrdersPlaced).IsEqualTo(0);

        // Back to A: offered again (same certificate, nothing ordered).
        resolver.OnConfiguration(owned);
        do latest = await published.Reader.ReadAsync(cts.Token);
        while (latest.Single().AllowedNames!.Count == 0);
        await Assert.That(Served(latest, owned, "app.a.example")).IsEqualTo("CN=app.a.example");
        cts.Cancel();
        await loop;
    }
}
