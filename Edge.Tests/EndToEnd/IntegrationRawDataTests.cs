using System.Text.Json.Nodes;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Traefik's own integration check of the provider (integration/k8s_test.go): the same TOML static
/// configuration and manifests must give the same /api/rawdata. Compared strictly on every
/// @kubernetes entry: names, rules, priorities, entry points, services, servers, usedBy, status.
/// </summary>
[NotInParallel("edge-e2e")]
public class IntegrationRawDataTests
{
    [Test]
    [Arguments("k8s_default.toml", "rawdata-ingress.json")]
    [Arguments("k8s_ingress_label_selector.toml", "rawdata-ingress-label-selector.json")]
    [Arguments("k8s_ingressclass.toml", "rawdata-ingressclass.json")]
    [Arguments("k8s_ingressclass_disabled.toml", "rawdata-ingressclass-disabled.json")]
    public async Task Same_static_config_and_manifests_give_traefiks_rawdata(string toml, string expectedFile)
    {
        var root = Path.Combine(RepoPaths.Conformance, "integration");
        await using var api = await FakeApiServer.StartAsync();
        foreach (var f in Directory.GetFiles(Path.Combine(root, "manifests"), "*.yml").Order())
            api.LoadYaml(await File.ReadAllTextAsync(f));
        // No controllers in a fake API server: the EndpointSlice the cluster would derive from the
        // whoami Deployment (two pods) is added by hand, with the pod IPs of the expected file.
        api.Upsert(K8s.Slice("default", "whoami", 80, "http", "10.42.0.3", "10.42.0.5"));

        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "expected", expectedFile)))!.AsObject();
        var expectedRouters = Kube(expected["routers"]!.AsObject());
        var expectedServices = Kube(expected["services"]!.AsObject());

        await using var edge = await EdgeProcess.StartAsync([
            "--configfile=" + Path.Combine(root, "config", toml),
            $"--providers.kubernetesingress.endpoint={api.Url}",
            "--providers.providersThrottleDuration=0s"]);
        await edge.WaitForRawDataAsync(r => expectedRouters.Keys.All(k => r.Contains('"' + k + '"')));
        await Task.Delay(300);   // let every informer settle, then compare the whole thing
        var actual = JsonNode.Parse(await edge.GetStringAsync("/api/rawdata"))!.AsObject();
        var actualRouters = Kube(actual["routers"]!.AsObject());
        var actualServices = Kube(actual["services"]!.AsObject());

        await Assert.That(actualRouters.Keys.Order()).IsEquivalentTo(expectedRouters.Keys.Order());
        await Assert.That(actualServices.Keys.Order()).IsEquivalentTo(expectedServices.Keys.Order());
        foreach (var (name, e) in expectedRouters)
        {
            var a = actualRouters[name]!;
            foreach (var field in new[] { "rule", "service", "priority", "status", "entryPoints", "using", "observability" })
                await Assert.That(JsonCanon.Of(a[field])).IsEqualTo(JsonCanon.Of(e[field])).Because($"{name}.{field}");
        }
        foreach (var (name, e) in expectedServices)
        {
            var a = actualServices[name]!;
            foreach (var field in new[] { "loadBalancer", "status", "usedBy", "serverStatus" })
                await Assert.That(JsonCanon.Of(a[field])).IsEqualTo(JsonCanon.Of(e[field])).Because($"{name}.{field}");
        }
    }

    private static Dictionary<string, JsonNode> Kube(JsonObject o) =>
        o.Where(kv => kv.Key.EndsWith("@kubernetes")).ToDictionary(kv => kv.Key, kv => kv.Value!);
}
