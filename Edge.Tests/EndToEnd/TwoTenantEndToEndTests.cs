using System.Net;
using System.Text.Json.Nodes;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The two-tenant scenario (<see cref="TwoTenantScenario"/>) against artifacts/edge, every guarantee
/// checked from outside: TLS handshakes with SNI, responses, Events in the fake API server,
/// /api/rawdata and the per-namespace access log files. The latency budget under a flood is
/// <see cref="TwoTenantLatencyEndToEndTests"/> (it runs alone).
/// </summary>
[NotInParallel("edge-e2e")]
public class TwoTenantEndToEndTests
{
    internal static async Task<(DataPlaneFixture F, EchoBackend Infra)> Start(params string[] args)
    {
        var infra = await EchoBackend.StartAsync("infra", "127.0.0.4");
        var f = await TwoTenantScenario.StartAsync(infra, args);
        await f.Edge.WaitForRawDataAsync(r => r.Contains("team-b-shop-copy-shop-example-com@kubernetes") && r.Contains("default-router@kubernetes"));
        return (f, infra);
    }

    internal static async Task<string> Backend(HttpResponseMessage r) =>
        JsonNode.Parse(await r.Content.ReadAsStringAsync())!["backend"]!.GetValue<string>();

    [Test]
    public async Task A_host_belongs_to_the_tenant_that_claimed_it_first()
    {
        var (f, infra) = await Start();
        await using var _ = f; await using var __ = infra;
        using var client = TwoTenantScenario.HttpsClient(f.Edge.WebPort);
        for (int i = 0; i < 20; i++)
        {
            using var r = await client.GetAsync($"https://shop.example.com:{f.Edge.WebPort}/");
            await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That(await Backend(r)).IsEqualTo("a");
        }
        await Assert.That(f.B.Requests).IsEqualTo(0);

        // The API shows the losing router as disabled, with the reason.
        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        var loser = raw["routers"]!["team-b-shop-copy-shop-example-com@kubernetes"]!;
        await Assert.That(loser["status"]!.GetValue<string>()).IsEqualTo("disabled");
        await Assert.That(loser["error"]![0]!.GetValue<string>())
            .IsEqualTo("host \"shop.example.com\" belongs to namespace \"team-a\" (Ingress team-a/shop claimed it first)");
        await Assert.That(raw["routers"]!["team-a-shop-shop-example-com@kubernetes"]!["status"]!.GetValue<string>()).IsEqualTo("enabled");

        // The losing tenant learns it from its own namespace (an Event on its Ingress); the proxy log names it too.
        var ev = await f.WaitForEventAsync("team-b", "shop-copy", "HostConflict");
        await Assert.That(ev.Type).IsEqualTo("Warning");
        await Assert.That(ev.InvolvedObject.Kind).IsEqualTo("Ingress");
        await Assert.That(ev.InvolvedObject.Uid).IsEqualTo("team-b-shop-copy");
        await Assert.That(ev.Message).Contains("belongs to namespace \"team-a\"");
        await Assert.That(f.Api.List<Corev1Event>("team-a").Count).IsEqualTo(0);
        await Assert.That(f.Edge.Output).Contains("Ingress team-b/shop-copy: rules for host \"shop.example.com\" are not served");
    }

    [Test]
    public async Task When_the_owner_releases_a_host_the_next_claimant_gets_it_and_its_certificate()
    {
        var (f, infra) = await Start();
        await using var _ = f; await using var __ = infra;
        await Assert.That(f.Api.Delete<V1Ingress>("team-a", "shop")).IsTrue();
        await f.Edge.WaitForRawDataAsync(r => !r.Contains("team-a-shop-shop-example-com@kubernetes"));
        var shop = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "shop.example.com");
        await Assert.That(await Backend(shop.Response)).IsEqualTo("b");
        await Assert.That(shop.Subject).IsEqualTo("CN=team-b");
        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        await Assert.That(raw["routers"]!["team-b-shop-copy-shop-example-com@kubernetes"]!["status"]!.GetValue<string>()).IsEqualTo("enabled");
    }

    [Test]
    public async Task A_tenant_certificate_is_never_offered_for_another_tenant_host()
    {
        var (f, infra) = await Start();
        await using var _ = f; await using var __ = infra;
        var shop = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "shop.example.com");
        await Assert.That(shop.Subject).IsEqualTo("CN=team-a");
        var blog = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "blog.example.com");
        await Assert.That(blog.Subject).IsEqualTo("CN=team-b");
        await Assert.That(await Backend(blog.Response)).IsEqualTo("b");
        var api = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "api.a.example.com");
        await Assert.That(api.Subject).IsEqualTo("CN=team-a");
        // team-a's *.a.example.com must not be offered for a name team-a never declared.
        var unknown = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "x.a.example.com");
        await Assert.That(unknown.Subject).IsEqualTo("CN=TRAEFIK DEFAULT CERT");
    }

    [Test]
    public async Task Only_the_allowlisted_namespace_catches_unknown_hosts()
    {
        var (f, infra) = await Start();
        await using var _ = f; await using var __ = infra;
        using var r = await f.SendAsync("nobody.example.org", "/anything");
        await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(await Backend(r)).IsEqualTo("infra");
        await Assert.That(f.B.Requests).IsEqualTo(0);
        var ev = await f.WaitForEventAsync("team-b", "catch-all", "CatchAllNotAllowed");
        await Assert.That(ev.Message).Contains("tenancy.defaultBackendNamespaces");
    }

    [Test]
    public async Task A_tenant_over_its_concurrency_limit_gets_503_while_others_are_served()
    {
        var (f, infra) = await Start();
        await using var _ = f; await using var __ = infra;
        using var a = TwoTenantScenario.HttpsClient(f.Edge.WebPort);
        var slow = Enumerable.Range(0, 2).Select(_ => a.GetAsync($"https://shop.example.com:{f.Edge.WebPort}/slow?ms=3000")).ToList();
        await Eventually.UntilAsync(() => f.A.Requests >= 2, TimeSpan.FromSeconds(10), "both slow requests reached team-a's backend");
        using (var third = await a.GetAsync($"https://shop.example.com:{f.Edge.WebPort}/"))
        {
            await Assert.That(third.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
            await Assert.That(third.Headers.RetryAfter?.Delta).IsEqualTo(TimeSpan.FromSeconds(1));
        }
        await Assert.That(slow.All(t => !t.IsCompleted)).IsTrue();   // refused while both were still in flight
        using (var other = await a.GetAsync($"https://blog.example.com:{f.Edge.WebPort}/"))
            await Assert.That(other.StatusCode).IsEqualTo(HttpStatusCode.OK);
        foreach (var t in slow) using (var r = await t) await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
        using var after = await a.GetAsync($"https://shop.example.com:{f.Edge.WebPort}/");
        await Assert.That(after.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    [Test]
    public async Task Access_logs_are_split_per_namespace()
    {
        var dir = Directory.CreateTempSubdirectory("edge-ns-logs").FullName;
        try
        {
            var (f, infra) = await Start($"--accesslog.perNamespaceDir={dir}", $"--accesslog.filepath={Path.Combine(dir, "main.log")}");
            await using var _ = f; await using var __ = infra;
            using var c = TwoTenantScenario.HttpsClient(f.Edge.WebPort);
            for (int i = 0; i < 3; i++)
            {
                (await c.GetAsync($"https://shop.example.com:{f.Edge.WebPort}/a{i}")).Dispose();
                (await c.GetAsync($"https://blog.example.com:{f.Edge.WebPort}/b{i}")).Dispose();
            }
            (await f.SendAsync("nobody.example.org", "/x")).Dispose();
            var aLog = Path.Combine(dir, "team-a.log");
            var bLog = Path.Combine(dir, "team-b.log");
            await Eventually.UntilAsync(() => Lines(aLog).Length == 3 && Lines(bLog).Length == 3 && Lines(Path.Combine(dir, "infra.log")).Length == 1,
                TimeSpan.FromSeconds(10), "3 lines in team-a.log and team-b.log, 1 in infra.log");
            await Assert.That(Lines(aLog).All(l => l.Contains("\"team-a-shop-shop-example-com@kubernetes\"") && l.Contains("GET /a"))).IsTrue();
            await Assert.That(Lines(bLog).All(l => l.Contains("\"team-b-blog-blog-example-com@kubernetes\"") && l.Contains("GET /b"))).IsTrue();
            await Assert.That(File.ReadAllText(aLog)).DoesNotContain("team-b");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToArray() : [];
}
