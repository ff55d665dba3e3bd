using System.Text;
using System.Text.Json.Nodes;
using Edge.Aggregation;
using Edge.Api;
using Edge.Configuration;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.Api;

/// <summary>
/// Traefik's API as a dashboard or script reads it, from a configuration built here: the JSON of
/// /api/rawdata, /api/http/routers[/{name}], /api/http/services[/{name}], /api/overview, and /ping's
/// status per readiness. In process: a DefaultHttpContext through <see cref="ApiHandler.TryHandleAsync"/>.
/// </summary>
public class ApiHandlerTests
{
    private static StaticConfig Static(bool dashboard = false, bool crd = false)
    {
        var s = new StaticConfig { KubernetesCrdEnabled = crd };
        s.EntryPoint("web").Address = ":8000";
        s.EntryPoint("websecure").Address = ":8443";
        s.Api.Enabled = true;
        s.Api.Insecure = true;
        s.Api.Dashboard = dashboard;
        s.Ping.Enabled = true;
        s.ApplyDefaults();
        return s;
    }

    /// <summary>
    /// app: served; orphan: its service does not exist; shared: a tenancy warning; broken: a rule that
    /// does not compile (reported by the data plane); app uses an Ingress middleware and a CRD one.
    /// </summary>
    private static DynamicConfig Config()
    {
        var c = new DynamicConfig();
        c.Http.Routers["default-app"] = new Router
        {
            Rule = "Host(`app.example.com`)", Service = "default-web-80", Middlewares = ["default-strip", "default-auth@kubernetescrd"],
        };
        c.Http.Routers["default-orphan"] = new Router { Rule = "Host(`orphan.example.com`)", Service = "default-missing-80", EntryPoints = ["websecure"] };
        c.Http.Routers["default-shared"] = new Router { Rule = "HostRegexp(`.+`)", Service = "default-web-80", Priority = 7, Warning = "not served for a.example.com (owned by team-a)" };
        c.Http.Routers["default-broken"] = new Router { Rule = "Host(`", Service = "default-web-80" };
        c.Http.Services["default-web-80"] = new Service
        {
            LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = "http://10.0.0.1:8080" }, new Server { Url = "http://10.0.0.2:8080" }] },
        };
        c.Http.Middlewares["default-strip"] = new Middleware { StripPrefix = new StripPrefixConfig { Prefixes = ["/app"] } };
        c.Http.Middlewares["default-auth@kubernetescrd"] = new Middleware { BasicAuth = new BasicAuthConfig { Users = ["alice:$apr1$hash"], Realm = "team" } };
        c.Http.Middlewares["default-unknown@kubernetescrd"] = new Middleware { Error = "unsupported middleware type \"plugin\"" };
        return c;
    }

    private static ApiHandler Handler(DynamicConfig? config = null, StaticConfig? statics = null, Readiness? readiness = null)
    {
        var store = new ConfigurationStore();
        statics ??= Static();
        store.Publish(WithInternal(config ?? Config(), statics), []);
        return new ApiHandler(statics, store, () => new Dictionary<string, string> { ["default-broken"] = "unexpected end of rule" }, null, readiness);
    }

    /// <summary>What the aggregator publishes: the Ingress provider's objects and the internal provider's (api, ping...).</summary>
    private static DynamicConfig WithInternal(DynamicConfig ingress, StaticConfig statics) =>
        Edge.Aggregation.ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig>
        {
            [ProviderNames.Kubernetes] = ingress,
            [ProviderNames.Internal] = Edge.Providers.Internal.InternalProvider.Configuration(statics),
        });

    private sealed record Answer(bool Handled, int Status, string Body, IHeaderDictionary Headers)
    {
        public JsonNode Json => JsonNode.Parse(Body)!;
    }

    private static async Task<Answer> GetAsync(ApiHandler handler, string pathAndQuery, string entryPoint = StaticConfig.InternalEntryPoint)
    {
        var ctx = new DefaultHttpContext();
        var q = pathAndQuery.IndexOf('?');
        ctx.Request.Method = "GET";
        ctx.Request.Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        if (q >= 0) ctx.Request.QueryString = new QueryString(pathAndQuery[q..]);
        var body = new MemoryStream();
        ctx.Response.Body = body;
        var handled = await handler.TryHandleAsync(ctx, entryPoint);
        return new Answer(handled, ctx.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), ctx.Response.Headers);
    }

    private static List<string?> Strings(JsonNode? array) => array!.AsArray().Select(x => (string?)x).ToList();

    private static string Joined(JsonNode? array) => string.Join("|", Strings(array));

    [Test]
    public async Task Rawdata_shows_routers_with_status_using_and_the_provider_in_their_name()
    {
        var raw = (await GetAsync(Handler(), "/api/rawdata")).Json;
        var routers = raw["routers"]!.AsObject();
        await Assert.That(string.Join(",", routers.Select(r => r.Key))).IsEqualTo(
            "api@internal,default-app@kubernetes,default-broken@kubernetes,default-orphan@kubernetes,default-shared@kubernetes,ping@internal");

        var app = routers["default-app@kubernetes"]!;
        await Assert.That((string?)app["status"]).IsEqualTo("enabled");
        await Assert.That(Joined(app["entryPoints"])).IsEqualTo("web|websecure").Because("no entryPoints: every one but traefik");
        await Assert.That(string.Join(",", Strings(app["using"]))).IsEqualTo("web,websecure");
        await Assert.That((long)app["priority"]!).IsEqualTo("Host(`app.example.com`)".Length);
        await Assert.That((string?)app["service"]).IsEqualTo("default-web-80");
        await Assert.That(app["error"]).IsNull();
        await Assert.That(app["name"]).IsNull().Because("Traefik's rawdata keys routers by name; name and provider are /api/http's");
        await Assert.That((bool)app["observability"]!["accessLogs"]!).IsTrue();

        var orphan = routers["default-orphan@kubernetes"]!;
        await Assert.That((string?)orphan["status"]).IsEqualTo("disabled");
        await Assert.That(Joined(orphan["error"])).IsEqualTo("the service \"default-missing-80@kubernetes\" does not exist");
        await Assert.That(string.Join(",", Strings(orphan["using"]))).IsEqualTo("websecure");

        var shared = routers["default-shared@kubernetes"]!;
        await Assert.That((string?)shared["status"]).IsEqualTo("warning");
        await Assert.That(Joined(shared["error"])).IsEqualTo("not served for a.example.com (owned by team-a)");
        await Assert.That((long)shared["priority"]!).IsEqualTo(7);

        var broken = routers["default-broken@kubernetes"]!;
        await Assert.That((string?)broken["status"]).IsEqualTo("disabled");
        await Assert.That(Joined(broken["error"])).IsEqualTo("unexpected end of rule");

        await Assert.That(string.Join(",", Strings(routers["ping@internal"]!["entryPoints"]))).IsEqualTo("traefik");
    }

    [Test]
    public async Task Rawdata_shows_services_and_middlewares_with_status_and_users()
    {
        var raw = (await GetAsync(Handler(), "/api/rawdata")).Json;
        var web = raw["services"]!["default-web-80@kubernetes"]!;
        await Assert.That((string?)web["status"]).IsEqualTo("enabled");
        await Assert.That(string.Join(",", Strings(web["usedBy"]))).IsEqualTo("default-app@kubernetes,default-broken@kubernetes,default-shared@kubernetes");
        await Assert.That((string?)web["serverStatus"]!["http://10.0.0.1:8080"]).IsEqualTo("UP");
        await Assert.That((string?)web["serverStatus"]!["http://10.0.0.2:8080"]).IsEqualTo("UP");
        await Assert.That((string?)web["loadBalancer"]!["servers"]![0]!["url"]).IsEqualTo("http://10.0.0.1:8080");
        await Assert.That(Joined(raw["services"]!["api@internal"]!["usedBy"])).IsEqualTo("api@internal");

        var middlewares = raw["middlewares"]!.AsObject();
        await Assert.That(string.Join(",", middlewares.Select(m => m.Key))).IsEqualTo(
            "default-auth@kubernetescrd,default-strip@kubernetes,default-unknown@kubernetescrd");
        var strip = middlewares["default-strip@kubernetes"]!;
        await Assert.That((string?)strip["status"]).IsEqualTo("enabled");
        await Assert.That(Joined(strip["usedBy"])).IsEqualTo("default-app@kubernetes");
        await Assert.That(Joined(strip["stripPrefix"]!["prefixes"])).IsEqualTo("/app");
        var auth = middlewares["default-auth@kubernetescrd"]!;
        await Assert.That(Joined(auth["usedBy"])).IsEqualTo("default-app@kubernetes");
        await Assert.That((string?)auth["basicAuth"]!["realm"]).IsEqualTo("team");
        await Assert.That(auth["basicAuth"]!["users"]).IsNull().Because("credentials are never published, not even hashed");
        var unknown = middlewares["default-unknown@kubernetescrd"]!;
        await Assert.That((string?)unknown["status"]).IsEqualTo("disabled");
        await Assert.That(Joined(unknown["error"])).IsEqualTo("unsupported middleware type \"plugin\"");
        await Assert.That(unknown["usedBy"]).IsNull();
    }

    [Test]
    public async Task Http_routers_lists_each_router_with_its_name_and_provider()
    {
        var answer = await GetAsync(Handler(), "/api/http/routers");
        await Assert.That(answer.Status).IsEqualTo(200);
        await Assert.That(answer.Headers.ContentType.ToString()).IsEqualTo("application/json");
        var routers = answer.Json.AsArray();
        await Assert.That(routers.Count).IsEqualTo(6);
        var app = routers.Single(r => (string?)r!["name"] == "default-app@kubernetes")!;
        await Assert.That((string?)app["provider"]).IsEqualTo("kubernetes");
        await Assert.That((string?)app["status"]).IsEqualTo("enabled");
        await Assert.That(string.Join(",", Strings(app["middlewares"]))).IsEqualTo("default-strip,default-auth@kubernetescrd");
        await Assert.That((string?)routers.Single(r => (string?)r!["name"] == "ping@internal")!["provider"]).IsEqualTo("internal");

        var disabled = (await GetAsync(Handler(), "/api/http/routers?status=disabled")).Json.AsArray();
        await Assert.That(string.Join(",", disabled.Select(r => (string?)r!["name"]))).IsEqualTo("default-broken@kubernetes,default-orphan@kubernetes");
        var search = (await GetAsync(Handler(), "/api/http/routers?search=ORPH")).Json.AsArray();
        await Assert.That(string.Join(",", search.Select(r => (string?)r!["name"]))).IsEqualTo("default-orphan@kubernetes");
    }

    [Test]
    public async Task Http_routers_pages_with_X_Next_Page()
    {
        var handler = Handler();
        var first = await GetAsync(handler, "/api/http/routers?per_page=4");
        await Assert.That(first.Json.AsArray().Count).IsEqualTo(4);
        await Assert.That(first.Headers["X-Next-Page"].ToString()).IsEqualTo("2");
        var second = await GetAsync(handler, "/api/http/routers?per_page=4&page=2");
        await Assert.That(string.Join(",", second.Json.AsArray().Select(r => (string?)r!["name"]))).IsEqualTo("default-shared@kubernetes,ping@internal");
        await Assert.That(second.Headers["X-Next-Page"].ToString()).IsEqualTo("1").Because("the last page points back to the first, as in Traefik");
    }

    [Test]
    public async Task One_router_by_name_and_404_for_a_name_that_does_not_exist()
    {
        var handler = Handler();
        var one = await GetAsync(handler, "/api/http/routers/default-orphan@kubernetes");
        await Assert.That(one.Status).IsEqualTo(200);
        await Assert.That((string?)one.Json["name"]).IsEqualTo("default-orphan@kubernetes");
        await Assert.That((string?)one.Json["status"]).IsEqualTo("disabled");
        await Assert.That((string?)one.Json["rule"]).IsEqualTo("Host(`orphan.example.com`)");

        var escaped = await GetAsync(handler, "/api/http/routers/default-app%40kubernetes");
        await Assert.That((string?)escaped.Json["name"]).IsEqualTo("default-app@kubernetes");

        var missing = await GetAsync(handler, "/api/http/routers/nope@kubernetes");
        await Assert.That(missing.Handled).IsTrue();
        await Assert.That(missing.Status).IsEqualTo(404);
        await Assert.That((string?)missing.Json["message"]).IsEqualTo("router not found: nope@kubernetes").Because("Traefik's message names the router");
        var unqualified = await GetAsync(handler, "/api/http/routers/default-app");
        await Assert.That(unqualified.Status).IsEqualTo(404).Because("names are the qualified ones the list shows");
    }

    [Test]
    public async Task Http_services_lists_and_finds_services_with_type_and_provider()
    {
        var handler = Handler();
        var services = (await GetAsync(handler, "/api/http/services")).Json.AsArray();
        await Assert.That(string.Join(",", services.Select(s => (string?)s!["name"]))).IsEqualTo("api@internal,default-web-80@kubernetes,noop@internal,ping@internal");
        var web = services.Single(s => (string?)s!["name"] == "default-web-80@kubernetes")!;
        await Assert.That((string?)web["provider"]).IsEqualTo("kubernetes");
        await Assert.That((string?)web["type"]).IsEqualTo("loadbalancer");
        await Assert.That(web["serverStatus"]!.AsObject().Count).IsEqualTo(2);

        var one = await GetAsync(handler, "/api/http/services/default-web-80@kubernetes");
        await Assert.That(one.Status).IsEqualTo(200);
        await Assert.That(string.Join(",", Strings(one.Json["usedBy"]))).IsEqualTo("default-app@kubernetes,default-broken@kubernetes,default-shared@kubernetes");
        var missing = await GetAsync(handler, "/api/http/services/default-missing-80@kubernetes");
        await Assert.That(missing.Status).IsEqualTo(404);
        await Assert.That((string?)missing.Json["message"]).IsEqualTo("service not found: default-missing-80@kubernetes");
    }

    [Test]
    public async Task Overview_counts_routers_services_and_middlewares_with_their_errors_and_warnings()
    {
        var overview = (await GetAsync(Handler(statics: Static(crd: true)), "/api/overview")).Json;
        var routers = overview["http"]!["routers"]!;
        await Assert.That((int)routers["total"]!).IsEqualTo(6);
        await Assert.That((int)routers["errors"]!).IsEqualTo(2).Because("orphan and broken are disabled");
        await Assert.That((int)routers["warnings"]!).IsEqualTo(1).Because("shared is served with a warning");
        await Assert.That((int)overview["http"]!["services"]!["total"]!).IsEqualTo(4).Because("api, noop and ping of the internal provider, and the Ingress service");
        var middlewares = overview["http"]!["middlewares"]!;
        await Assert.That((int)middlewares["total"]!).IsEqualTo(3);
        await Assert.That((int)middlewares["errors"]!).IsEqualTo(1).Because("the unknown middleware is disabled");
        await Assert.That(string.Join(",", Strings(overview["providers"]))).IsEqualTo("KubernetesIngress,KubernetesCRD");
        await Assert.That(overview["features"]!["accessLog"]!.GetValueKind()).IsEqualTo(System.Text.Json.JsonValueKind.False)
            .Because("a boolean, as Traefik's: the string \"false\" reads as true in a dashboard's script");

        var crdOnly = Static(crd: true);
        crdOnly.KubernetesIngressEnabled = false;
        var crdOverview = (await GetAsync(Handler(statics: crdOnly), "/api/overview")).Json;
        await Assert.That(string.Join(",", Strings(crdOverview["providers"]))).IsEqualTo("KubernetesCRD");
    }

    [Test]
    public async Task Other_paths_and_entry_points_are_answered_as_Traefik_does()
    {
        var handler = Handler();
        var unknown = await GetAsync(handler, "/api/nothing");
        await Assert.That(unknown.Status).IsEqualTo(404);
        await Assert.That((string?)unknown.Json["message"]).IsEqualTo("not found");
        // The API belongs to the traefik entry point: on web the router gets the request.
        await Assert.That((await GetAsync(handler, "/api/rawdata", entryPoint: "web")).Handled).IsFalse();
        var version = await GetAsync(handler, "/api/version");
        await Assert.That((string?)version.Json["Codename"]).IsEqualTo("edge");
        var entryPoints = (await GetAsync(handler, "/api/entrypoints")).Json.AsArray();
        await Assert.That(string.Join(",", entryPoints.Select(e => $"{e!["name"]}={e["address"]}"))).IsEqualTo("web=:8000,websecure=:8443,traefik=:8080");

        var withoutApi = Static();
        withoutApi.Api.Insecure = false;
        await Assert.That((await GetAsync(Handler(statics: withoutApi), "/api/rawdata")).Handled).IsFalse();
    }

    [Test]
    public async Task Rawdata_follows_each_new_configuration()
    {
        var store = new ConfigurationStore();
        store.Publish(WithInternal(Config(), Static()), []);
        var handler = new ApiHandler(Static(), store);
        await Assert.That((await GetAsync(handler, "/api/rawdata")).Json["routers"]!.AsObject().ContainsKey("default-app@kubernetes")).IsTrue();
        var next = new DynamicConfig();
        next.Http.Routers["default-next"] = new Router { Rule = "Host(`next.example.com`)", Service = "default-web-80" };
        next.Http.Services["default-web-80"] = new Service();
        store.Publish(WithInternal(next, Static()), []);
        var routers = (await GetAsync(handler, "/api/rawdata")).Json["routers"]!.AsObject();
        await Assert.That(string.Join(",", routers.Select(r => r.Key))).IsEqualTo("api@internal,default-next@kubernetes,ping@internal");
    }

    [Test]
    public async Task Ping_answers_503_until_every_provider_is_configured_then_200()
    {
        var readiness = new Readiness();
        readiness.Expect("kubernetes");
        readiness.Expect("kubernetescrd");
        var handler = Handler(readiness: readiness);

        var waiting = await GetAsync(handler, "/ping");
        await Assert.That(waiting.Status).IsEqualTo(503);
        await Assert.That(waiting.Body).IsEqualTo("Service Unavailable");
        readiness.Applied("kubernetes");
        await Assert.That((await GetAsync(handler, "/ping")).Status).IsEqualTo(503).Because("the CRD provider has not applied its first configuration");
        readiness.Applied("kubernetescrd");
        var ready = await GetAsync(handler, "/ping");
        await Assert.That(ready.Status).IsEqualTo(200);
        await Assert.That(ready.Body).IsEqualTo("OK");

        handler.Terminating = true;
        await Assert.That((await GetAsync(handler, "/ping")).Status).IsEqualTo(503).Because("ping.terminatingStatusCode during shutdown");
        await Assert.That((await GetAsync(handler, "/ping", entryPoint: "web")).Handled).IsFalse().Because("ping lives on ping.entryPoint only");
    }

    [Test]
    public async Task Ping_does_not_wait_when_waitForConfiguration_is_off()
    {
        var readiness = new Readiness();
        readiness.Expect("kubernetes");
        var statics = Static();
        statics.Ping.WaitForConfiguration = false;
        await Assert.That((await GetAsync(Handler(statics: statics, readiness: readiness), "/ping")).Status).IsEqualTo(200);
    }
}
