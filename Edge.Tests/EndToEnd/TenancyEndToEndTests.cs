using System.Net;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Multi-tenancy, certificates: by default (Traefik's behaviour) a wildcard certificate from one
/// namespace is served for any host it covers; with --tenancy.enabled only for hosts its own
/// namespace declares, and another tenant's host gets the default certificate.
/// </summary>
[NotInParallel("edge-e2e")]
public class TenancyEndToEndTests
{
    private static Task<DataPlaneFixture> Start(params string[] args) => DataPlaneFixture.StartAsync((api, port) =>
    {
        var wildcard = TlsEndToEndTests.SelfSigned("team-a-wildcard", "*.example.com");
        var tls = new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.tls"] = "true" };
        api.Upsert(TlsEndToEndTests.TlsSecret("team-a", "wild", wildcard));
        api.Upsert(K8s.Service("team-a", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("team-a", "whoami", port, "http", "127.0.0.2"));
        api.Upsert(K8s.Ingress("team-a", "app", "a.example.com", "/", "whoami", 80, annotations: tls, secret: "wild"));
        api.Upsert(K8s.Service("team-b", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("team-b", "whoami", port, "http", "127.0.0.3"));
        api.Upsert(K8s.Ingress("team-b", "app", "b.example.com", "/", "whoami", 80, annotations: tls));
    }, args);

    [Test]
    public async Task Traefik_default_serves_the_wildcard_for_every_covered_host()
    {
        await using var f = await Start();
        await f.Edge.WaitForRawDataAsync(r => r.Contains("team-b-app-b-example-com@kubernetes"));
        var b = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "b.example.com");
        await Assert.That(b.Subject).IsEqualTo("CN=team-a-wildcard");
    }

    [Test]
    public async Task Tenancy_keeps_a_certificate_to_its_own_namespace_hosts()
    {
        await using var f = await Start("--tenancy.enabled=true");
        await f.Edge.WaitForRawDataAsync(r => r.Contains("team-b-app-b-example-com@kubernetes"));
        var a = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "a.example.com");
        await Assert.That(a.Subject).IsEqualTo("CN=team-a-wildcard");
        await Assert.That(a.Response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var b = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "b.example.com");
        await Assert.That(b.Subject).IsEqualTo("CN=TRAEFIK DEFAULT CERT");
        var other = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "c.example.com");
        await Assert.That(other.Subject).IsEqualTo("CN=TRAEFIK DEFAULT CERT");
    }
}
