using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Api;
using Edge.Model;
using Edge.Configuration;
using Edge.Providers.Kubernetes.Ingress;
using Edge.Tests.Support;

namespace Edge.Tests.Conformance;

/// <summary>
/// Every case derived from Traefik's own tests of its Ingress provider: the fixture's objects and
/// the options must translate to exactly the expected dynamic configuration.
/// </summary>
public class ConformanceTests
{
    public static string CasesDir => Path.Combine(RepoPaths.Root, "Edge.Tests", "Conformance", "cases");

    public static IEnumerable<string> Cases() =>
        Directory.Exists(CasesDir) ? Directory.GetFiles(CasesDir, "*.json").Select(Path.GetFileName).Order().Cast<string>() : [];

    [Test]
    public async Task Corpus_is_present()
    {
        // Every table entry recorded in cases/INDEX.md: a lost or added file is a change to review.
        await Assert.That(Cases().Count()).IsEqualTo(89);
    }

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Translation_matches_traefik(string caseFile)
    {
        var c = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(CasesDir, caseFile)))!.AsObject();
        if (c["unconvertible"] is { } why)
            Skip.Test($"partial assertion in Traefik's test, checked by PartialConformanceTests: {why}");
        var options = Options(c["options"] as JsonObject);
        var snapshot = FixtureLoader.Load(Path.Combine(RepoPaths.Conformance, (string)c["fixture"]!));
        if (c["expectedStatus"] is JsonArray expectedStatus)
        {
            // Traefik reads back Ingress default/foo; when no status is computed it stays as it was.
            var computed = IngressStatusComputer.Compute(snapshot, options, out _);
            var foo = snapshot.Ingresses.First(i => i.Metadata?.Name == "foo");
            var status = computed ?? foo.Status?.LoadBalancer?.Ingress ?? [];
            var actualItems = status.Select(i => Edge.Providers.Kubernetes.Client.IngressStatusWriter.Canonical([i])).Order().ToList();
            var expectedItems = expectedStatus.Select(i => Canon(Prune(i))).ToList();
            var statusCanon = actualItems.Select(a => Canon(Prune(JsonNode.Parse(a)!.AsArray()[0]))).Order().ToList();
            await Assert.That(statusCanon).IsEquivalentTo(expectedItems.Order().ToList()).Because((string)c["desc"]!);
            return;
        }
        var result = IngressTranslator.Translate(snapshot, options);
        var actual = JsonNode.Parse(JsonSerializer.Serialize(result.Config, ModelJsonContext.Default.DynamicConfig));
        var expectedCanon = Canon(Prune(c["expected"]));
        var actualCanon = Canon(Prune(actual));
        await Assert.That(actualCanon).IsEqualTo(expectedCanon)
            .Because($"{c["desc"]}; issues: {string.Join(" | ", result.Issues)}");
    }

    public static ProviderOptions Options(JsonObject? options)
    {
        var config = new StaticConfig();
        foreach (var (key, value) in options ?? new JsonObject())
        {
            var spec = OptionRegistry.Find(key, out var wildcard) ?? throw new InvalidOperationException("unknown option " + key);
            var text = value switch
            {
                JsonArray a => string.Join(",", a.Select(x => (string)x!)),
                _ => value?.ToString() ?? "",
            };
            spec.Apply(config, wildcard, text);
        }
        return config.KubernetesIngress;
    }

    /// <summary>
    /// Go's <c>encoding/json</c> with <c>omitempty</c>, applied to both sides: nulls, empty slices and
    /// empty maps are not written. Only maps: an empty struct (a router's <c>"tls": {}</c>, which
    /// makes it TLS-only) is written by Go and is kept, so it must match.
    /// </summary>
    public static JsonNode? Prune(JsonNode? n)
    {
        switch (n)
        {
            case JsonObject o:
                var r = new JsonObject();
                foreach (var (k, v) in o)
                {
                    var p = Prune(v);
                    if (p is null) continue;
                    if (p is JsonObject { Count: 0 } && GoMapFields.Contains(k)) continue;
                    if (p is JsonArray { Count: 0 }) continue;
                    r[k] = p;
                }
                return r;
            case JsonArray a:
                return new JsonArray(a.Select(x => Prune(x) ?? JsonValue.Create((string?)null)).ToArray());
            case null:
                return null;
            default:
                return n.DeepClone();
        }
    }

    /// <summary>The fields of Traefik's dynamic configuration whose Go type is a map (all omitempty).</summary>
    private static readonly HashSet<string> GoMapFields =
    [
        "routers", "services", "middlewares", "models", "serversTransports", "options", "stores",
        "customRequestHeaders", "customResponseHeaders", "sslProxyHeaders", "metadata",
    ];

    public static string Canon(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"\"{kv.Key}\":{Canon(kv.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canon)) + "]",
        _ => n.ToJsonString(),
    };
}
