using Edge.Configuration;
using Edge.DataPlane.Tls;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using Edge.Tests.EndToEnd;
using Edge.Tests.Providers.Kubernetes.Ingress.Tenancy;

namespace Edge.Tests.DataPlane.Tls;

/// <summary>
/// Which certificate a handshake selects in tenancy mode (issue 20 item 2): a namespace's
/// certificate only for names that namespace owns, a wildcard one only where no other namespace
/// owns the name exactly; the default certificate otherwise.
/// </summary>
public class TenantCertificateTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly System.Net.Security.SslStreamCertificateContext Default = CertificateStore.CreateDefault();

    private static CertificateStore Store(bool tenancy, params object[] objects)
    {
        var r = IngressTranslator.Translate(ClusterSnapshot.FromObjects(objects.Concat(new[] { "team-a", "team-b" }.SelectMany(ns => new object[]
        {
            K8s.Service(ns, "web", 80, "http"), K8s.Slice(ns, "web", 8080, "http", "10.0.0.1"),
        }))), new ProviderOptions { TenancyEnabled = tenancy });
        return new CertificateStore(r.Config.Tls, Default, r.Config.HostOwnership);
    }

    private static string Subject(CertificateStore s, string sni) => s.Select(sni).TargetCertificate.Subject;

    private static object[] WildcardScenario(DateTime exactCreated) =>
    [
        TlsEndToEndTests.TlsSecret("team-b", "wild", TlsEndToEndTests.SelfSigned("team-b", "*.example.com")),
        TenancyPolicyTests.Ing("team-a", "apex", "a.example.com", exactCreated),   // no certificate of its own
        TenancyPolicyTests.Ing("team-b", "wild", "*.example.com", T0.AddHours(1), secret: "wild"),
    ];

    [Test]
    public async Task A_wildcard_certificate_is_not_offered_for_a_name_another_namespace_owns_exactly()
    {
        foreach (var created in new[] { T0, T0.AddDays(1) })   // exact owner older, then younger, than the wildcard
        {
            var store = Store(tenancy: true, WildcardScenario(created));
            await Assert.That(Subject(store, "a.example.com")).IsEqualTo("CN=TRAEFIK DEFAULT CERT");
            await Assert.That(Subject(store, "A.Example.com.")).IsEqualTo("CN=TRAEFIK DEFAULT CERT");
            await Assert.That(store.Has("a.example.com")).IsFalse();
            await Assert.That(Subject(store, "b.example.com")).IsEqualTo("CN=team-b");
            await Assert.That(store.Has("b.example.com")).IsTrue();
            // One label: the wildcard neither covers nor owns a deeper name.
            await Assert.That(Subject(store, "x.a.example.com")).IsEqualTo("CN=TRAEFIK DEFAULT CERT");
        }
    }

    [Test]
    public async Task Once_the_exact_owner_is_gone_the_wildcard_certificate_covers_the_name()
    {
        var objects = WildcardScenario(T0).Where(o => o is not k8s.Models.V1Ingress { Metadata.Name: "apex" }).ToArray();
        await Assert.That(Subject(Store(tenancy: true, objects), "a.example.com")).IsEqualTo("CN=team-b");
    }

    [Test]
    public async Task Without_tenancy_the_wildcard_certificate_covers_every_name_as_in_Traefik()
    {
        await Assert.That(Subject(Store(tenancy: false, WildcardScenario(T0)), "a.example.com")).IsEqualTo("CN=team-b");
    }

    [Test]
    public async Task The_exact_owner_s_own_certificate_is_offered_for_its_name()
    {
        var objects = WildcardScenario(T0).Append(TlsEndToEndTests.TlsSecret("team-a", "own", TlsEndToEndTests.SelfSigned("team-a", "a.example.com"))).ToArray();
        objects[1] = TenancyPolicyTests.Ing("team-a", "apex", "a.example.com", T0, secret: "own");
        var store = Store(tenancy: true, objects);
        await Assert.That(Subject(store, "a.example.com")).IsEqualTo("CN=team-a");
        await Assert.That(Subject(store, "c.example.com")).IsEqualTo("CN=team-b");
    }
}
