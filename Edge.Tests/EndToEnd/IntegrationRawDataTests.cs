using System.Text.Json.Nodes;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Traefik's own integration check of the provider (integration/k8s_test.go): the same TOML static
/// configuration and manifests must give the same /api/rawdata. Compared strictly: every
/// @kubernetes router, service and middleware whole, with no missing or extra field.
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

        // StartAsync returns once /ping says the first configuration is served.
        await using var edge = await EdgeProcess.StartAsync(["--configfile=" + Path.Combine(root, "config", toml), .. EdgeProcess.IngressProviderArgs(api)]);
        // Proof that the Ingresses were read before anything is compared (the ingressclass-disabled
        // case expects no router, which an Edge that never synced would also show): the Ingress
        // informer watches from the resourceVersion its LIST returned, so the list was answered.
        await Eventually.UntilAsync(() => api.Requests.Any(r =>
                r.Path.EndsWith("/ingresses") && r.Query.Contains("watch=true") && !r.Query.Contains("resourceVersion=0")
                && r.Query.Contains("resourceVersion=")),
            TimeSpan.FromSeconds(10), "the Ingress informer listed and then watched");
        await edge.WaitForRawDataAsync(r => expectedRouters.Keys.All(k => r.Contains('"' + k + '"')));
        var actual = JsonNode.Parse(await edge.GetStringAsync("/api/rawdata"))!.AsObject();

        // Each @kubernetes entry whole: every field Traefik writes, and no field it does not.
        foreach (var section in new[] { "routers", "services", "middlewares" })
        {
            var e = Kube(expected[section] as JsonObject);
            var a = Kube(actual[section] as JsonObject);
            await Assert.That(a.Keys.Order()).IsEquivalentTo(e.Keys.Order()).Because(section);
            foreach (var (name, entry) in e)
                await Assert.That(JsonCanon.Of(a[name])).IsEqualTo(JsonCanon.Of(entry)).Because($"{section}.{name}");
        }
    }

    private static Dictionary<string, JsonNode> Kube(JsonObject? o) =>
        (o ?? []).Where(kv => kv.Key.EndsWith("@kubernetes")).ToDictionary(kv => kv.Key, kv => kv.Value!);
}
