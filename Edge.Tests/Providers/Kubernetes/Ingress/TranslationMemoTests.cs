using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Api;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using Edge.Tests.Conformance;
using Edge.Tests.EndToEnd;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.Providers.Kubernetes.Ingress;

/// <summary>
/// The incremental translation (issue: performance, 10,000 Ingresses): reusing per-Ingress
/// fragments must give exactly the configuration and issues a full translation gives.
/// </summary>
public class TranslationMemoTests
{
    private static string Json(TranslationResult r) =>
        JsonSerializer.Serialize(r.Config, ModelJsonContext.Default.DynamicConfig) + "\n" + string.Join("\n", r.Issues);

    public static IEnumerable<string> Cases() => ConformanceTests.Cases();

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Memoized_translation_equals_full_translation(string caseFile)
    {
        var c = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(ConformanceTests.CasesDir, caseFile)))!.AsObject();
        var options = ConformanceTests.Options(c["options"] as JsonObject);
        var snapshot = FixtureLoader.Load(Path.Combine(RepoPaths.Conformance, (string)c["fixture"]!));
        var full = IngressTranslator.Translate(snapshot, options);
        var memo = new TranslationMemo();
        var first = IngressTranslator.Translate(snapshot, options, memo);
        var second = IngressTranslator.Translate(snapshot, options, memo);
        await Assert.That(Json(first)).IsEqualTo(Json(full));
        await Assert.That(Json(second)).IsEqualTo(Json(full));
        // Tenancy mode included: its policy returns a new configuration, so fragments are reused there too.
        await Assert.That(memo.Translated).IsEqualTo(0);
        await Assert.That(memo.Reused).IsEqualTo(full.Processed.Count);
    }

    private static V1Ingress Ing(string name, string host, string svc, params string[] paths)
    {
        var i = K8s.Ingress("default", name, host, paths[0], svc, 80, annotations: new Dictionary<string, string> { ["kubernetes.io/ingress.class"] = "traefik" });
        foreach (var p in paths.Skip(1))
            i.Spec.Rules[0].Http.Paths.Add(new V1HTTPIngressPath
            {
                Path = p, PathType = "Prefix",
                Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = svc, Port = new V1ServiceBackendPort { Number = 80 } } },
            });
        return i;
    }

    [Test]
    public async Task A_change_retranslates_only_the_Ingresses_it_touches()
    {
        var options = ConformanceTests.Options(null);
        var a = Ing("a", "a.example.com", "sa", "/");
        var b = Ing("b", "b.example.com", "sb", "/");
        var c = Ing("c", "c.example.com", "sc", "/");
        var services = new object[]
        {
            K8s.Service("default", "sa", 80), K8s.Slice("default", "sa", 8080, null, "10.0.0.1"),
            K8s.Service("default", "sb", 80), K8s.Slice("default", "sb", 8080, null, "10.0.0.2"),
            K8s.Service("default", "sc", 80),
        };
        var sliceC = K8s.Slice("default", "sc", 8080, null, "10.0.0.3");
        var memo = new TranslationMemo();
        IngressTranslator.Translate(ClusterSnapshot.FromObjects([a, b, c, .. services, sliceC]), options, memo);

        // b gains a path (a new object, as an informer delivers it); sc's pods move.
        var b2 = Ing("b", "b.example.com", "sb", "/", "/new");
        var sliceC2 = K8s.Slice("default", "sc", 8080, null, "10.0.0.4");
        var changed = ClusterSnapshot.FromObjects([a, b2, c, .. services, sliceC2]);
        var incremental = IngressTranslator.Translate(changed, options, memo);

        await Assert.That(Json(incremental)).IsEqualTo(Json(IngressTranslator.Translate(changed, options)));
        await Assert.That(memo.Translated).IsEqualTo(2);
        await Assert.That(memo.Reused).IsEqualTo(1);
        await Assert.That(incremental.Config.Http.Routers.Keys).Contains("default-b-b-example-com-new");
        await Assert.That(incremental.Config.Http.Services["default-sc-80"].LoadBalancer!.Servers!.Single().Url).IsEqualTo("http://10.0.0.4:8080");

        // A deleted Ingress is forgotten: its routers are gone.
        var deleted = IngressTranslator.Translate(ClusterSnapshot.FromObjects([a, c, .. services, sliceC2]), options, memo);
        await Assert.That(deleted.Config.Http.Routers.Keys.Any(k => k.StartsWith("default-b-", StringComparison.Ordinal))).IsFalse();
        await Assert.That(memo.Reused).IsEqualTo(2);
    }
}
