using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Traefik IngressRoute and TraefikService objects served through artifacts/edge with
/// <c>--providers.kubernetescrd</c>: the fixture's Service "whoami" has the echo backends
/// 127.0.0.2 and 127.0.0.3 as endpoints (loopback only). Checked from outside: responses, backend
/// hit counts, /api/rawdata, the log.
/// </summary>
[NotInParallel("edge-e2e")]
public class IngressRouteEndToEndTests
{
    private static JsonObject Crd(string kind, string ns, string name, string spec) => K8s.Crd(kind, ns, name, spec);

    /// <summary>Traefik's router name: namespace-name-%.10x of sha256(match), normalised.</summary>
    private static string RouterName(string ns, string name, string match) =>
        $"{ns}-{name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(match)))[..20]}";

    private static Task<DataPlaneFixture> StartAsync(Action<Tests.FakeApi.FakeApiServer, int> seed) =>
        DataPlaneFixture.StartAsync(seed, "--providers.kubernetescrd", "--providers.kubernetescrd.allowEmptyServices=true");

    private const string Match = "Host(`app.example.com`) && PathPrefix(`/app`)";

    [Test]
    public async Task A_route_with_a_middleware_is_served_under_Traefiks_router_name()
    {
        await using var f = await StartAsync((api, _) =>
        {
            api.UpsertJson(Crd("Middleware", "default", "tag", """{"headers":{"customRequestHeaders":{"X-Route":"ingressroute"}}}"""));
            api.UpsertJson(Crd("IngressRoute", "default", "app", $$"""
                {"entryPoints":["web"],"routes":[{"match":"{{Match.Replace("`", "\\u0060")}}","kind":"Rule",
                  "middlewares":[{"name":"tag"}],"services":[{"name":"whoami","port":80}]}]}
                """));
        });
        await f.WaitForRouteAsync("app.example.com", "/app/x");
        using (var r = await f.SendAsync("app.example.com", "/app/x"))
        {
            await Assert.That((int)r.StatusCode).IsEqualTo(200);
            var seen = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
            await Assert.That((string?)seen["headers"]!["X-Route"]).IsEqualTo("ingressroute").Because("the route's Middleware applies");
        }
        using (var other = await f.SendAsync("app.example.com", "/other"))
            await Assert.That((int)other.StatusCode).IsEqualTo(404).Because("PathPrefix(`/app`) is part of the match");

        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        var name = RouterName("default", "app", Match);
        var router = raw["routers"]![name + "@kubernetescrd"];
        await Assert.That(router).IsNotNull().Because($"Traefik names the router {name}; rawdata: {raw["routers"]!.ToJsonString()}");
        await Assert.That((string?)router!["status"]).IsEqualTo("enabled");
        await Assert.That((string?)router["service"]).IsEqualTo(name).Because("a single Kubernetes Service is named after the router");
        await Assert.That(router["middlewares"]![0]!.ToString()).IsEqualTo("default-tag");
        var service = raw["services"]![name + "@kubernetescrd"]!;
        await Assert.That(service["loadBalancer"]!["servers"]!.AsArray().Count).IsEqualTo(2);
        await Assert.That(service["usedBy"]![0]!.ToString()).IsEqualTo(name + "@kubernetescrd");
    }

    [Test]
    public async Task A_weighted_TraefikService_splits_requests_by_weight()
    {
        await using var f = await StartAsync((api, port) =>
        {
            api.Upsert(K8s.Service("default", "blue", 80, "http"));
            api.Upsert(K8s.Slice("default", "blue", port, "http", "127.0.0.2"));
            api.Upsert(K8s.Service("default", "green", 80, "http"));
            api.Upsert(K8s.Slice("default", "green", port, "http", "127.0.0.3"));
            api.UpsertJson(Crd("TraefikService", "default", "split", """
                {"weighted":{"services":[{"name":"blue","port":80,"weight":3},{"name":"green","port":80,"weight":1}]}}
                """));
            api.UpsertJson(Crd("IngressRoute", "default", "canary", """
                {"routes":[{"match":"Host(`canary.example.com`)","services":[{"name":"split","kind":"TraefikService"}]}]}
                """));
        });
        await f.WaitForRouteAsync("canary.example.com", "/");
        int blue = f.A.Requests, green = f.B.Requests;
        // Smooth weighted round robin repeats every 4 picks (3 blue, 1 green): 40 requests, 30 and 10.
        for (int i = 0; i < 40; i++)
        {
            using var r = await f.SendAsync("canary.example.com", "/");
            await Assert.That((int)r.StatusCode).IsEqualTo(200);
        }
        await Assert.That(f.A.Requests - blue).IsEqualTo(30).Because("blue (127.0.0.2) has weight 3");
        await Assert.That(f.B.Requests - green).IsEqualTo(10).Because("green (127.0.0.3) has weight 1");

        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        var split = raw["services"]!["default-split@kubernetescrd"]!;
        await Assert.That(split["weighted"]!["services"]![0]!["name"]!.ToString()).IsEqualTo("default-blue-80");
        await Assert.That((int)split["weighted"]!["services"]![0]!["weight"]!).IsEqualTo(3);
        await Assert.That(raw["services"]!["default-blue-80@kubernetescrd"]).IsNotNull();
    }

    [Test]
    public async Task A_mirroring_TraefikService_answers_from_its_main_service_and_copies_its_percent_to_the_mirror()
    {
        await using var f = await StartAsync((api, port) =>
        {
            api.Upsert(K8s.Service("default", "blue", 80, "http"));
            api.Upsert(K8s.Slice("default", "blue", port, "http", "127.0.0.2"));
            api.Upsert(K8s.Service("default", "green", 80, "http"));
            api.Upsert(K8s.Slice("default", "green", port, "http", "127.0.0.3"));
            api.UpsertJson(Crd("TraefikService", "default", "shadow", """
                {"mirroring":{"name":"blue","port":80,"mirrors":[{"name":"green","port":80,"percent":50}]}}
                """));
            api.UpsertJson(Crd("IngressRoute", "default", "shadowed", """
                {"routes":[{"match":"Host(`shadow.example.com`)","services":[{"name":"shadow","kind":"TraefikService"}]}]}
                """));
        });
        await f.WaitForRouteAsync("shadow.example.com", "/");
        int blue = f.A.Requests, green = f.B.Requests;
        for (int i = 0; i < 10; i++)
        {
            using var r = await f.SendAsync("shadow.example.com", "/");
            await Assert.That((int)r.StatusCode).IsEqualTo(200);
            await Assert.That((string?)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["backend"]).IsEqualTo(f.A.Name).Because("the main service answers");
        }
        await Assert.That(f.A.Requests - blue).IsEqualTo(10);
        // Traefik's count: after n requests through the service a 50% mirror has had ceil(n/2)
        // copies. WaitForRoute's request counts too, and its copy may land before or after the
        // baseline above, so the total is what is exact: every request the main service saw.
        int Expected() => (f.A.Requests * 50 + 99) / 100;
        await Support.Eventually.UntilAsync(() => f.B.Requests == Expected(), TimeSpan.FromSeconds(10),
            () => $"the mirror got {f.B.Requests} copies of {f.A.Requests} requests, not {Expected()}:\n{f.Edge.Output}");
        await Assert.That(f.B.Requests - green).IsBetween(5, 6);
        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        await Assert.That((string?)raw["routers"]![RouterName("default", "shadowed", "Host(`shadow.example.com`)") + "@kubernetescrd"]!["status"]).IsEqualTo("enabled");
        await Assert.That((int?)raw["services"]!["default-shadow@kubernetescrd"]!["mirroring"]!["mirrors"]![0]!["percent"]).IsEqualTo(50);
    }

    [Test]
    public async Task A_route_with_a_missing_middleware_is_in_error_and_not_served()
    {
        await using var f = await StartAsync((api, _) =>
        {
            api.UpsertJson(Crd("IngressRoute", "default", "guarded", """
                {"routes":[{"match":"Host(`guarded.example.com`)","middlewares":[{"name":"absent"}],"services":[{"name":"whoami","port":"http"}]}]}
                """));
            api.UpsertJson(Crd("IngressRoute", "default", "open", """
                {"routes":[{"match":"Host(`open.example.com`)","services":[{"name":"whoami","port":"http"}]}]}
                """));
            api.UpsertJson(Crd("IngressRoute", "default", "broken", """
                {"routes":[{"match":"Host(`broken.example.com`)","services":[{"name":"nowhere","port":80}]}]}
                """));
            api.UpsertJson(Crd("IngressRouteUDP", "default", "db", """{"routes":[{"services":[{"name":"db","port":5432}]}]}"""));
        });
        await f.WaitForRouteAsync("open.example.com", "/");
        int before = f.BackendRequests;
        foreach (var host in new[] { "guarded.example.com", "broken.example.com" })
        {
            using var r = await f.SendAsync(host, "/");
            await Assert.That((int)r.StatusCode).IsEqualTo(404).Because(host + " is never served without what it names");
        }
        await Assert.That(f.BackendRequests).IsEqualTo(before);

        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        var guarded = raw["routers"]![RouterName("default", "guarded", "Host(`guarded.example.com`)") + "@kubernetescrd"]!;
        await Assert.That((string?)guarded["status"]).IsEqualTo("disabled");
        await Assert.That(guarded["error"]![0]!.ToString()).IsEqualTo("middleware \"default-absent@kubernetescrd\" does not exist");
        var broken = raw["routers"]![RouterName("default", "broken", "Host(`broken.example.com`)") + "@kubernetescrd"]!;
        await Assert.That((string?)broken["status"]).IsEqualTo("disabled");
        await Assert.That(broken["error"]![0]!.ToString()).IsEqualTo("kubernetes service not found: default/nowhere");
        await Assert.That(f.Edge.Output).Contains("IngressRoute default/broken").Because("the log names the object");
        await Assert.That(f.Edge.Output).Contains("IngressRouteUDP default/db: Cannot create service db (port 5432): service not found")
            .Because("a UDP route whose Service is missing is named with the cause, never silently dropped");
    }
}
