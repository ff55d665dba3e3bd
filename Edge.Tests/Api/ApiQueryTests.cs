using System.Text;
using System.Text.Json.Nodes;
using Edge.Aggregation;
using Edge.Api;
using Edge.Configuration;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.Api;

/// <summary>
/// Traefik's list query parameters (pkg/api/criterion.go, sort.go) on /api/http/routers, services
/// and middlewares, as a script or the dashboard reads them: search (name, and rule for routers),
/// status, serviceName, middlewareName, sortBy/direction, page/per_page with X-Next-Page and the
/// 400 for a page past the end; Edge's provider and namespace filters.
/// </summary>
public class ApiQueryTests
{
    private static ApiHandler Handler(int extra = 0)
    {
        var statics = new StaticConfig();
        statics.EntryPoint("web").Address = ":8000";
        statics.Api.Enabled = true;
        statics.Api.Insecure = true;
        statics.ApplyDefaults();
        var c = new DynamicConfig();
        c.Http.Services["default-web-80"] = new Service { LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = "http://10.0.0.1:80" }] } };
        c.Http.Services["shop-cart-80"] = new Service { LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = "http://10.0.0.2:80" }, new Server { Url = "http://10.0.0.3:80" }] } };
        c.Http.Middlewares["default-strip"] = new Middleware { StripPrefix = new StripPrefixConfig { Prefixes = ["/a"] } };
        c.Http.Middlewares["shop-auth"] = new Middleware { Error = "unsupported" };
        c.Http.Routers["default-app"] = Router("Host(`app.example.com`)", "default-web-80", "default", ["default-strip"], priority: 5);
        c.Http.Routers["default-zeta"] = Router("Host(`zeta.example.com`) && PathPrefix(`/catalog`)", "default-web-80", "default", null, priority: 50);
        c.Http.Routers["shop-cart"] = Router("Host(`shop.example.com`)", "shop-cart-80", "shop", ["shop-auth"], priority: 20);
        c.Http.Routers["shop-missing"] = Router("Host(`gone.example.com`)", "shop-nothere-80", "shop", null);
        for (int i = 0; i < extra; i++) c.Http.Routers[$"bulk-{i:D5}"] = Router($"Host(`b{i}.example.com`)", "default-web-80", "bulk", null);
        var store = new ConfigurationStore();
        store.Publish(c, []);
        return new ApiHandler(statics, store);
    }

    private static Router Router(string rule, string service, string ns, List<string>? middlewares, long priority = 0) => new()
    {
        Rule = rule, Service = service, Middlewares = middlewares, Priority = priority, Namespace = ns,
        Observability = new RouterObservability { Metadata = new ObservabilityMetadata { Ingress = new IngressMetadata { Namespace = ns, IngressName = "ing" } } },
    };

    private static async Task<(int Status, JsonNode Json, IHeaderDictionary Headers)> Get(ApiHandler h, string pathAndQuery)
    {
        var ctx = new DefaultHttpContext();
        var q = pathAndQuery.IndexOf('?');
        ctx.Request.Method = "GET";
        ctx.Request.Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        if (q >= 0) ctx.Request.QueryString = new QueryString(pathAndQuery[q..]);
        var body = new MemoryStream();
        ctx.Response.Body = body;
        await h.TryHandleAsync(ctx, StaticConfig.InternalEntryPoint);
        return (ctx.Response.StatusCode, JsonNode.Parse(Encoding.UTF8.GetString(body.ToArray()))!, ctx.Response.Headers);
    }

    private static async Task<string> Names(ApiHandler h, string pathAndQuery) =>
        string.Join(",", (await Get(h, pathAndQuery)).Json.AsArray().Select(x => (string?)x!["name"]));

    [Test]
    public async Task Search_matches_the_name_or_the_rule_case_insensitively()
    {
        var h = Handler();
        await Assert.That(await Names(h, "/api/http/routers?search=CATALOG")).IsEqualTo("default-zeta@kubernetes").Because("in the rule only");
        await Assert.That(await Names(h, "/api/http/routers?search=shop-")).IsEqualTo("shop-cart@kubernetes,shop-missing@kubernetes");
        await Assert.That(await Names(h, "/api/http/services?search=CART")).IsEqualTo("shop-cart-80@kubernetes");
    }

    [Test]
    public async Task Status_service_and_middleware_filters()
    {
        var h = Handler();
        await Assert.That(await Names(h, "/api/http/routers?status=DISABLED")).IsEqualTo("shop-missing@kubernetes");
        await Assert.That(await Names(h, "/api/http/routers?serviceName=default-web-80@kubernetes")).IsEqualTo("default-app@kubernetes,default-zeta@kubernetes")
            .Because("an unqualified router service is compared with the name before '@', as Traefik's filterService");
        await Assert.That(await Names(h, "/api/http/routers?middlewareName=shop-auth")).IsEqualTo("shop-cart@kubernetes");
        await Assert.That(await Names(h, "/api/http/middlewares?status=disabled")).IsEqualTo("shop-auth@kubernetes");
        var strip = (await Get(h, "/api/http/middlewares/default-strip@kubernetes")).Json;
        await Assert.That((string?)strip["type"]).IsEqualTo("stripprefix");
        await Assert.That((string?)strip["provider"]).IsEqualTo("kubernetes");
    }

    [Test]
    public async Task Edge_provider_and_namespace_filters()
    {
        var h = Handler();
        await Assert.That(await Names(h, "/api/http/routers?namespace=shop")).IsEqualTo("shop-cart@kubernetes,shop-missing@kubernetes");
        await Assert.That(await Names(h, "/api/http/routers?provider=internal")).IsEqualTo("");
        await Assert.That((await Get(h, "/api/http/routers?provider=kubernetes")).Json.AsArray().Count).IsEqualTo(4);
    }

    [Test]
    public async Task SortBy_and_direction_then_name()
    {
        var h = Handler();
        await Assert.That(await Names(h, "/api/http/routers?sortBy=priority&direction=desc"))
            .IsEqualTo("default-zeta@kubernetes,shop-missing@kubernetes,shop-cart@kubernetes,default-app@kubernetes")
            .Because("shop-missing's priority is its rule length, 24");
        await Assert.That(await Names(h, "/api/http/routers?direction=desc")).IsEqualTo("shop-missing@kubernetes,shop-cart@kubernetes,default-zeta@kubernetes,default-app@kubernetes");
        await Assert.That(await Names(h, "/api/http/routers?sortBy=status")).IsEqualTo("shop-missing@kubernetes,default-app@kubernetes,default-zeta@kubernetes,shop-cart@kubernetes");
        await Assert.That(await Names(h, "/api/http/services?sortBy=servers&direction=desc")).IsEqualTo("shop-cart-80@kubernetes,default-web-80@kubernetes");
        // The cached list is not reordered by a sorted request.
        await Assert.That(await Names(h, "/api/http/routers")).IsEqualTo("default-app@kubernetes,default-zeta@kubernetes,shop-cart@kubernetes,shop-missing@kubernetes");
    }

    [Test]
    public async Task Pages_with_X_Next_Page_and_400_past_the_end()
    {
        var h = Handler(extra: 10_000);
        var first = await Get(h, "/api/http/routers?search=bulk-&per_page=50");
        await Assert.That(first.Json.AsArray().Count).IsEqualTo(50);
        await Assert.That(first.Headers["X-Next-Page"].ToString()).IsEqualTo("2");
        var last = await Get(h, "/api/http/routers?search=bulk-&per_page=50&page=200");
        await Assert.That((string?)last.Json.AsArray()[49]!["name"]).IsEqualTo("bulk-09999@kubernetes");
        await Assert.That(last.Headers["X-Next-Page"].ToString()).IsEqualTo("1");
        var past = await Get(h, "/api/http/routers?search=bulk-&per_page=50&page=201");
        await Assert.That(past.Status).IsEqualTo(400);
        await Assert.That((string?)past.Json["message"]).IsEqualTo("invalid request: page: 201, per_page: 50");
        var bad = await Get(h, "/api/http/routers?per_page=0");
        await Assert.That(bad.Status).IsEqualTo(400);
        var empty = await Get(h, "/api/http/routers?search=nothing-matches");
        await Assert.That(empty.Status).IsEqualTo(200).Because("page 1 of an empty list is an empty list, not an error");
        await Assert.That(empty.Json.AsArray().Count).IsEqualTo(0);
        await Assert.That(await Names(h, "/api/http/routers?search=bulk-0424")).IsEqualTo("bulk-04240@kubernetes,bulk-04241@kubernetes,bulk-04242@kubernetes,bulk-04243@kubernetes,bulk-04244@kubernetes,bulk-04245@kubernetes,bulk-04246@kubernetes,bulk-04247@kubernetes,bulk-04248@kubernetes,bulk-04249@kubernetes");
    }

    [Test]
    public async Task Overview_has_traefiks_tcp_and_udp_sections_and_edge_status_the_rest()
    {
        var h = Handler();
        var overview = (await Get(h, "/api/overview")).Json;
        await Assert.That((int)overview["tcp"]!["routers"]!["total"]!).IsEqualTo(0);
        await Assert.That(overview["udp"]!.AsObject().ContainsKey("middlewares")).IsFalse();
        var status = (await Get(h, "/api/edge/status")).Json;
        await Assert.That((string?)status["entryPoints"]!.AsArray().Single(e => (string?)e!["name"] == "web")!["address"]).IsEqualTo(":8000");
        await Assert.That((bool)status["configuration"]!["lastReloadSucceeded"]!).IsTrue();
        await Assert.That((long)status["configuration"]!["generation"]!).IsEqualTo(1);
        await Assert.That(string.Join(",", status["namespaces"]!.AsArray().Select(n => (string?)n))).IsEqualTo("default,shop");
        var extras = (await Get(h, "/api/edge/http/routers/shop-cart@kubernetes")).Json;
        await Assert.That((string?)extras["source"]).IsEqualTo("shop/ing");
        await Assert.That((string?)extras["chain"]![0]!["name"]).IsEqualTo("shop-auth@kubernetes");
        await Assert.That((string?)extras["chain"]![0]!["status"]).IsEqualTo("disabled");
        await Assert.That((string?)extras["service"]!["name"]).IsEqualTo("shop-cart-80@kubernetes");
        var traffic = (await Get(h, "/api/edge/traffic")).Json;
        await Assert.That((bool)traffic["enabled"]!).IsFalse().Because("no metrics, no sampler");
    }
}
