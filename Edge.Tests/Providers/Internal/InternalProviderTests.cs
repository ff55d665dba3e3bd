using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Aggregation;
using Edge.Api;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Internal;
using Edge.Tests.Support;

namespace Edge.Tests.Providers.Internal;

/// <summary>
/// The internal provider's objects, merged like any provider's, give the @internal entries of
/// Traefik's own /api/rawdata for the same static configuration (Traefik's integration check).
/// </summary>
public class InternalProviderTests
{
    private static readonly Dictionary<string, string?> NoEnv = new();

    private static JsonObject RawData(StaticConfig config, DynamicConfig? ingress = null)
    {
        var merged = ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig>
        {
            [ProviderNames.Kubernetes] = ingress ?? new DynamicConfig(),
            [ProviderNames.Internal] = InternalProvider.Configuration(config),
        });
        var raw = RawDataBuilder.Build(merged, config.DefaultEntryPoints());
        return JsonNode.Parse(JsonSerializer.Serialize(raw, ApiJsonContext.Default.RawData))!.AsObject();
    }

    [Test]
    public async Task The_internal_entries_are_traefiks_for_its_integration_configuration()
    {
        var root = Path.Combine(RepoPaths.Conformance, "integration");
        var config = ConfigLoader.Load(["--configfile=" + Path.Combine(root, "config", "k8s_default.toml")], NoEnv);
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "expected", "rawdata-ingress.json")))!.AsObject();
        var actual = RawData(config);
        foreach (var section in new[] { "routers", "services", "middlewares" })
        {
            var e = (expected[section] as JsonObject ?? []).Where(kv => kv.Key.EndsWith("@internal")).ToDictionary(kv => kv.Key, kv => kv.Value);
            var a = (actual[section] as JsonObject ?? []).Where(kv => kv.Key.EndsWith("@internal")).ToDictionary(kv => kv.Key, kv => kv.Value);
            await Assert.That(string.Join(",", a.Keys.Order())).IsEqualTo(string.Join(",", e.Keys.Order())).Because(section);
            foreach (var (name, entry) in e)
                await Assert.That(JsonCanon.Of(a[name])).IsEqualTo(JsonCanon.Of(entry)).Because($"{section}.{name}");
        }
    }

    [Test]
    public async Task Ping_and_prometheus_routers_sit_on_their_entry_points()
    {
        var config = ConfigLoader.Load(["--ping.entryPoint=health", "--entrypoints.health.address=:8082", "--metrics.prometheus=true"], NoEnv);
        var routers = RawData(config)["routers"]!.AsObject();
        await Assert.That(JsonCanon.Of(routers["ping@internal"]!["entryPoints"])).IsEqualTo("[\"health\"]");
        await Assert.That((string?)routers["prometheus@internal"]!["service"]).IsEqualTo("prometheus@internal");
        await Assert.That(routers.ContainsKey("api@internal")).IsFalse().Because("the API is not enabled");
    }

    [Test]
    public async Task The_data_plane_never_routes_an_internal_router()
    {
        var config = ConfigLoader.Load(["--api.insecure=true", "--ping"], NoEnv);
        var merged = ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig> { [ProviderNames.Internal] = InternalProvider.Configuration(config) });
        var errors = ReferenceCheck.Find(merged, ProviderNames.Kubernetes);
        await Assert.That(errors.Count).IsEqualTo(0).Because("internal routers have no load balancer, and none is needed");
        var ep = config.EntryPoints[StaticConfig.InternalEntryPoint];
        var routes = Edge.DataPlane.Routing.Table.EntryPointRoutes.Compile(ep, merged.Http.Routers, config.DefaultEntryPoints(),
            Edge.DataPlane.Routing.Rules.RuleSyntax.V3, errors);
        foreach (var path in new[] { "/api/rawdata", "/ping", "/" })
        {
            var ctx = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            ctx.Request.Host = new Microsoft.AspNetCore.Http.HostString("localhost");
            ctx.Request.Path = path;
            var rp = Edge.DataPlane.Routing.Requests.RequestPath.Normalize(path, DeniedEncodings.All, true, out _)!;
            await Assert.That(routes.Match(ctx, rp)).IsNull().Because(path + ": the API handler answers it, never a route");
        }
    }
}
