using System.Text.Json.Nodes;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// How fast a change in the API server shows in /api/rawdata: an added Ingress, a changed one, a new
/// endpoint, a Service port that stops matching and a deleted Ingress, each within a second.
/// </summary>
/// <remarks>
/// A one-second budget measures the machine as well as Edge: on 2 shared cores a CPU-heavy unit test
/// running beside it (fuzzing, conformance) can eat it. [NotInParallel] without a key makes TUnit run
/// this test completely alone (after every parallel and keyed test, behind an exclusive lock), not
/// merely apart from the other "edge-e2e" tests.
/// </remarks>
[NotInParallel]
public class ProviderReloadTimingEndToEndTests
{
    private static JsonObject Routers(string raw) => ProviderEndToEndTests.Routers(raw);
    private static JsonObject Services(string raw) => ProviderEndToEndTests.Services(raw);

    [Test]
    public async Task Adding_changing_and_deleting_objects_shows_in_rawdata_within_a_second()
    {
        var (api, edge) = await ProviderEndToEndTests.Start();
        await using var _ = api; await using var __ = edge;
        await edge.WaitForRawDataAsync(r => r.Contains("api@internal"));

        api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/api", "whoami", 80));
        var t1 = await edge.WaitForRawDataAsync(r => Routers(r).ContainsKey("default-app-app-example-com-api@kubernetes"));
        await Assert.That(t1).IsLessThan(TimeSpan.FromSeconds(1));
        var raw = await edge.GetStringAsync("/api/rawdata");
        await Assert.That((string)Routers(raw)["default-app-app-example-com-api@kubernetes"]!["rule"]!)
            .IsEqualTo("Host(\"app.example.com\") && PathPrefix(\"/api\")");
        await Assert.That(Services(raw)["default-whoami-80@kubernetes"]!["loadBalancer"]!["servers"]!.AsArray().Count).IsEqualTo(2);

        api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/v2", "whoami", 80));
        var t2 = await edge.WaitForRawDataAsync(r => Routers(r).ContainsKey("default-app-app-example-com-v2@kubernetes")
            && !Routers(r).ContainsKey("default-app-app-example-com-api@kubernetes"));
        await Assert.That(t2).IsLessThan(TimeSpan.FromSeconds(1));

        api.Upsert(K8s.Slice("default", "whoami", 8080, "http", "10.42.0.3", "10.42.0.5", "10.42.0.7"));
        var t3 = await edge.WaitForRawDataAsync(r => r.Contains("http://10.42.0.7:8080"));
        await Assert.That(t3).IsLessThan(TimeSpan.FromSeconds(1));

        api.Upsert(K8s.Service("default", "whoami", 80, "web"));   // the port name no longer matches the slice
        var t4 = await edge.WaitForRawDataAsync(r => !Services(r).ContainsKey("default-whoami-80@kubernetes"));
        await Assert.That(t4).IsLessThan(TimeSpan.FromSeconds(1));

        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        await edge.WaitForRawDataAsync(r => Services(r).ContainsKey("default-whoami-80@kubernetes"));
        api.Delete<V1Ingress>("default", "app");
        var t5 = await edge.WaitForRawDataAsync(r => !r.Contains("default-app-"));
        await Assert.That(t5).IsLessThan(TimeSpan.FromSeconds(1));
    }
}
