using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Api;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's TestLoadIngressRoutes (pkg/provider/kubernetes/crd/kubernetes_test.go), its fixtures
/// and expected HTTP routers and services, converted to Corpus/cases.json (Go literals to Traefik's
/// JSON). Each case runs the CRD provider's translation on the same fixtures and options and must
/// produce the same routers and services; routers Traefik drops are the ones Edge keeps disabled
/// (with the reason), so they are left out of the comparison and checked to carry a reason.
/// </summary>
public class IngressRouteCorpusTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Providers", "Kubernetes", "Crd", "Corpus");

    /// <summary>Cases whose expectation needs something Edge does not do (yet), with why.</summary>
    private static readonly Dictionary<string, string> NotSupported = new(StringComparer.Ordinal)
    {
        ["one kube services in a highest random weight"] = "highestRandomWeight TraefikServices are refused",
        ["Simple Ingress Route, with error page middleware"] = "the errors middleware is not served (its service is not built)",
        ["Error page middleware referencing a TraefikService"] = "the errors middleware is not served",
        ["TraefikService, empty service allowed"] = "its fixture has an errors middleware, which is not served (its service is not built)",
        ["Simple Ingress Route with middleware crossprovider"] = "crossProviderNamespaces is not a CRD provider option in Edge",
        ["IngressRoute with single parent (single route)"] = "parentRefs (multi-layer routing) are refused",
        ["IngressRoute with single parent (multiple routes) - all parent routers in ParentRefs"] = "parentRefs are refused",
        ["IngressRoute with multiple parents"] = "parentRefs are refused",
        ["IngressRoute with cross-namespace parent allowed"] = "parentRefs are refused",
        ["IngressRoute with parent namespace defaulting to child namespace"] = "parentRefs are refused",
    };

    public static IEnumerable<Func<string>> Cases() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Dir, "cases.json")))!.AsArray()
            .Select(c => (string)c!["desc"]!).Distinct().Where(d => !NotSupported.ContainsKey(d)).Select(d => (Func<string>)(() => d));

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Routers_and_services_match_Traefik(string desc)
    {
        var c = JsonNode.Parse(File.ReadAllText(Path.Combine(Dir, "cases.json")))!.AsArray().First(x => (string)x!["desc"]! == desc)!;
        var options = new CrdProviderOptions
        {
            IngressClass = (string?)c["ingressClass"] ?? "",
            AllowCrossNamespace = (bool)c["allowCrossNamespace"]!,
            AllowEmptyServices = (bool)c["allowEmptyServices"]!,
            AllowExternalNameServices = true,   // as Traefik's test provider
        };
        var objects = new List<object>();
        foreach (var path in c["paths"]!.AsArray())
        {
            var file = Path.Combine(Dir, "fixtures", (string)path!);
            foreach (var doc in ManifestParser.Parse(File.ReadAllText(file), file))
            {
                if (doc.Error is not null) throw new InvalidOperationException(doc.Error);
                if (doc.Object is not null) objects.Add(doc.Object);
            }
        }
        var output = CrdBinding.Translate(ClusterSnapshot.FromObjects(objects), options);
        var http = output.Config.Http;
        foreach (var (name, router) in http.Routers.Where(r => r.Value.DisabledReason is not null).ToList())
        {
            await Assert.That(output.Issues.Any(i => i.Contains(router.DisabledReason!, StringComparison.Ordinal))).IsTrue()
                .Because($"the disabled router {name} is logged with its reason");
            http.Routers.Remove(name);
        }
        var actual = JsonSerializer.SerializeToNode(output.Config, ModelJsonContext.Default.DynamicConfig)!["http"]!;
        // Go's omitempty leaves out a router's empty service (a route without services).
        foreach (var (_, r) in actual["routers"]!.AsObject())
            if ((string?)r!["service"] == "") r.AsObject().Remove("service");
        var routers = actual["routers"]!.ToJsonString();
        var services = actual["services"]!.ToJsonString();
        await Assert.That(Canonical(routers)).IsEqualTo(Canonical(c["routers"]!.ToJsonString())).Because(desc + ": routers");
        await Assert.That(Canonical(services)).IsEqualTo(Canonical(c["services"]!.ToJsonString())).Because(desc + ": services");
    }

    /// <summary>Objects with sorted keys, so that field order does not matter (array order does).</summary>
    private static string Canonical(string json)
    {
        static JsonNode? Sort(JsonNode? n) => n switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
            JsonArray a => new JsonArray(a.Select(Sort).ToArray()),
            null => null,
            _ => JsonNode.Parse(n.ToJsonString()),
        };
        return Sort(JsonNode.Parse(json))!.ToJsonString();
    }
}
