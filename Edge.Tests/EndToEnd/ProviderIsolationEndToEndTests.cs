using Edge.Tests.FakeApi;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Each provider runs on its own: the CRD provider failing to list its Middlewares (RBAC, a broken
/// CRD, an API server in trouble) must not hold back the Ingress provider's routes, and its routes
/// appear once it recovers. /ping stays 503 until every provider delivered its first configuration.
/// </summary>
[NotInParallel("edge-e2e")]
public class ProviderIsolationEndToEndTests
{
    [Test]
    public async Task A_failing_crd_provider_does_not_hold_back_the_ingress_routes()
    {
        await using var api = await FakeApiServer.StartAsync();
        await using var backend = await EchoBackend.StartAsync("app", "127.0.0.2", FreePort.Get());
        api.FailRequestsTo("/middlewares", 500);
        api.Upsert(K8s.Service("default", "app", 80, "http"));
        api.Upsert(K8s.Slice("default", "app", backend.Port, "http", "127.0.0.2"));
        api.Upsert(K8s.Ingress("default", "plain", "app.example.com", "/plain", "app", 80));
        api.Upsert(K8s.Ingress("default", "guarded", "app.example.com", "/guarded", "app", 80,
            annotations: new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.middlewares"] = "default-strip@kubernetescrd" }));
        api.UpsertJson(K8s.Middleware("default", "strip", """{"stripPrefix":{"prefixes":["/guarded"]}}"""));

        await using var edge = await EdgeProcess.StartWithApiAsync(api, ["--providers.kubernetescrd"], waitForPing: false);

        await edge.WaitForAnswerAsync("app.example.com", "/plain", a => a.Status == 200, "the Ingress route is served while the CRD provider cannot list");
        await Assert.That((await edge.FetchAsync("app.example.com", "/guarded")).Status).IsEqualTo(404)
            .Because("a router whose middleware is not known yet fails closed");
        await Assert.That(await edge.PingStatusAsync()).IsEqualTo(503).Because("the CRD provider has not delivered its first configuration");
        await Assert.That(edge.Output).Contains("middlewares");

        api.FailRequestsTo(null);
        await edge.WaitForAnswerAsync("app.example.com", "/guarded", a => a.Status == 200, "the guarded route is served once the CRD provider recovers",
            TimeSpan.FromSeconds(20));
        await edge.WaitForPingAsync();   // ready once both providers delivered
        var seen = System.Text.Json.Nodes.JsonNode.Parse((await edge.FetchAsync("app.example.com", "/guarded/x")).Body)!;
        await Assert.That((string?)seen["target"]).IsEqualTo("/x").Because("the CRD provider's stripPrefix middleware ran");
    }
}
