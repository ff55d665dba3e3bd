using System.Net;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Routing.Table;
using Edge.Model;
using Edge.Tests.DataPlane.Routing.Rules;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.Tests.DataPlane.Routing.Table;

public class RouteTableTests
{
    private static (string, Router) R(string name, string rule, long priority = 0, bool tls = false, string[]? entryPoints = null, string? syntax = null) =>
        (name, new Router
        {
            Rule = rule,
            Priority = priority,
            Service = name,
            Tls = tls ? new RouterTls() : null,
            EntryPoints = entryPoints?.ToList(),
            RuleSyntax = syntax,
        });

    private static RouteTable Table(bool tls, params (string, Router)[] routers) =>
        RouteTable.Compile(routers, "web", tls).Table;

    private static string? MatchName(RouteTable table, string host, string path = "/", bool tls = false) =>
        table.Match(new RouteRequest(host, path, isTls: tls))?.Name;

    [Test]
    public async Task Longer_rule_wins_by_default()
    {
        var t = Table(false,
            R("short", "Host(`a.com`)"),
            R("long", "Host(`a.com`) && PathPrefix(`/api`)"),
            R("catchall", "PathPrefix(`/`)", priority: 1));
        await Assert.That(MatchName(t, "a.com", "/api/x")).IsEqualTo("long");
        await Assert.That(MatchName(t, "a.com", "/web")).IsEqualTo("short");
        await Assert.That(MatchName(t, "b.com", "/api")).IsEqualTo("catchall");
    }

    [Test]
    public async Task Rules_from_Traefiks_muxer_tests()
    {
        var t = Table(false, R("r", "Host(\"example.com\") || Host(\"example.org\") && Path(\"/css\")"));
        await Assert.That(MatchName(t, "example.com", "/js")).IsEqualTo("r");
        await Assert.That(MatchName(t, "example.org", "/js")).IsNull();
        await Assert.That(MatchName(t, "example.org", "/css")).IsEqualTo("r");

        t = Table(false, R("r", "!(Host(`example.com`) && !Path(`/css`))"));
        await Assert.That(MatchName(t, "example.com", "/css")).IsEqualTo("r");
        await Assert.That(MatchName(t, "example.com", "/js")).IsNull();
        await Assert.That(MatchName(t, "example.org", "/js")).IsEqualTo("r");

        t = Table(false, R("v6", "Host(`10::10`)"), R("v4", "Host(`127.0.0.1`)"));
        await Assert.That(MatchName(t, "[10::10]", "/foo")).IsEqualTo("v6");
        await Assert.That(MatchName(t, "127.0.0.1:80", "/foo")).IsEqualTo("v4");

        t = Table(false, R("tpl", "PathRegexp(\"/{path:(css|js)}\")"));
        await Assert.That(MatchName(t, "x", RoutingPath.FromEscaped("/%7Bpath:css%7D/")!)).IsEqualTo("tpl");
        await Assert.That(MatchName(t, "x", "/css")).IsNull();
    }

    [Test]
    public async Task Explicit_priority_overrides_length_and_ties_break_by_name()
    {
        var t = Table(false,
            R("zeta", "PathPrefix(`/`)", priority: 100),
            R("alpha", "PathPrefix(`/`)", priority: 100),
            R("long", "Host(`a.com`) && PathPrefix(`/api`)"));
        await Assert.That(MatchName(t, "a.com", "/api")).IsEqualTo("alpha");
        await Assert.That(string.Join(",", t.Routes.Select(r => r.Name))).IsEqualTo("alpha,zeta,long");
        await Assert.That(t.Routes[2].Priority).IsEqualTo(35L);
    }

    [Test]
    public async Task Provider_precedence_breaks_priority_ties_before_names()
    {
        (string, Router)[] routers =
        [
            R("a@kubernetes", "PathPrefix(`/my`)"),
            R("b@kubernetesgateway", "PathPrefix(`/my`)"),
            R("c@unknown", "PathPrefix(`/my`)"),
            R("d@kubernetes", "PathPrefix(`/my`)", priority: 100),
        ];
        string[] precedence = ["kubernetesgateway", "kubernetescrd", "kubernetes", "kubernetesingressnginx"];
        RouteTable t = RouteTable.Compile(routers, "web", false, providersPrecedence: precedence).Table;
        await Assert.That(string.Join(",", t.Routes.Select(r => r.Name)))
            .IsEqualTo("d@kubernetes,b@kubernetesgateway,a@kubernetes,c@unknown");
        await Assert.That(MatchName(t, "x", "/my")).IsEqualTo("d@kubernetes");
    }

    [Test]
    public async Task Tls_routers_only_serve_tls_connections()
    {
        (string, Router)[] routers = [R("plain", "Host(`a.com`)"), R("secure", "Host(`a.com`)", tls: true)];
        RouteTable plain = Table(false, routers);
        RouteTable secure = Table(true, routers);
        await Assert.That(MatchName(plain, "a.com")).IsEqualTo("plain");
        await Assert.That(MatchName(secure, "a.com", tls: true)).IsEqualTo("secure");
        await Assert.That(MatchName(secure, "a.com", tls: false)).IsNull();
        await Assert.That(MatchName(plain, "a.com", tls: true)).IsNull();
    }

    [Test]
    public async Task Entry_point_binding()
    {
        (string, Router)[] routers =
        [
            R("web-only", "Host(`a.com`)", entryPoints: ["web"]),
            R("admin-only", "Host(`b.com`)", entryPoints: ["admin"]),
            R("everywhere", "Host(`c.com`)"),
            R("empty-list", "Host(`d.com`)", entryPoints: []),
        ];
        RouteTable web = RouteTable.Compile(routers, "web", false).Table;
        RouteTable admin = RouteTable.Compile(routers, "admin", false).Table;
        await Assert.That(MatchName(web, "a.com")).IsEqualTo("web-only");
        await Assert.That(MatchName(web, "b.com")).IsNull();
        await Assert.That(MatchName(admin, "b.com")).IsEqualTo("admin-only");
        await Assert.That(MatchName(admin, "a.com")).IsNull();
        await Assert.That(MatchName(admin, "c.com")).IsEqualTo("everywhere");
        await Assert.That(MatchName(web, "d.com")).IsEqualTo("empty-list");
    }

    [Test]
    public async Task Broken_routers_are_reported_and_excluded()
    {
        RouteTableCompilation c = RouteTable.Compile(
            [
                R("ok", "Host(`a.com`)"),
                R("bad-syntax", "Host(`a.com`"),
                R("bad-matcher", "Hots(`a.com`)"),
                R("too-high", "Host(`b.com`)", priority: long.MaxValue),
                R("v2-rule-as-v3", "Host(`a.com`, `b.com`)"),
                R("v2-rule", "Host(`a.com`, `b.com`) && Path(`/v2`)", syntax: "v2"),
            ],
            "web",
            false);
        await Assert.That(string.Join(",", c.Errors.Select(e => e.RouterName)))
            .IsEqualTo("bad-matcher,bad-syntax,too-high,v2-rule-as-v3");
        await Assert.That(c.Table.Routes.Count).IsEqualTo(2);
        await Assert.That(MatchName(c.Table, "a.com")).IsEqualTo("ok");
        await Assert.That(MatchName(c.Table, "b.com", "/v2")).IsEqualTo("v2-rule");
    }

    [Test]
    public async Task Compiles_straight_from_dynamic_config()
    {
        var config = new DynamicConfig();
        config.Http.Routers["b"] = new Router { Rule = "Host(`b.com`)" };
        config.Http.Routers["a"] = new Router { Rule = "Host(`a.com`)", Tls = new RouterTls() };
        RouteTableCompilation plain = RouteTable.Compile(config.Http.Routers, "websecure", tls: false);
        RouteTableCompilation secure = RouteTable.Compile(config.Http.Routers, "websecure", tls: true);
        await Assert.That(string.Join(",", plain.Table.Routes.Select(r => r.Name))).IsEqualTo("b");
        await Assert.That(string.Join(",", secure.Table.Routes.Select(r => r.Name))).IsEqualTo("a");
        await Assert.That(secure.Table.EntryPoint).IsEqualTo("websecure");
    }

    [Test]
    public async Task Default_syntax_applies_when_router_has_none()
    {
        var c = RouteTable.Compile([R("r", "Host(`a.com`, `b.com`)")], "web", false, RuleSyntax.V2);
        await Assert.That(c.Errors.Count).IsEqualTo(0);
        await Assert.That(MatchName(c.Table, "b.com")).IsEqualTo("r");
    }

    [Test]
    public async Task Host_rules_are_indexed_not_scanned()
    {
        var routers = Enumerable.Range(0, 1000)
            .Select(i => R($"r{i:D4}", $"Host(`h{i}.example.com`) && PathPrefix(`/api`)"))
            .Append(R("wild", "HostRegexp(`^[a-z0-9-]+\\.wild\\.example\\.com$`)"))
            .Append(R("wild3", "Host(`*.star.example.com`)"))
            .Append(R("either", "Host(`x.com`) || Host(`y.com`)"))
            .Append(R("fallback", "PathPrefix(`/`)", priority: 1))
            .ToArray();
        RouteTable t = Table(false, routers);
        await Assert.That(t.FallbackCount).IsEqualTo(1);
        await Assert.That(MatchName(t, "H500.Example.com:443", "/api/v1")).IsEqualTo("r0500");
        await Assert.That(MatchName(t, "h500.example.com.", "/api")).IsEqualTo("r0500");
        await Assert.That(MatchName(t, "h500.example.com", "/web")).IsEqualTo("fallback");
        await Assert.That(MatchName(t, "foo.wild.example.com", "/")).IsEqualTo("wild");
        await Assert.That(MatchName(t, "a.b.wild.example.com", "/")).IsEqualTo("fallback");
        await Assert.That(MatchName(t, "foo.star.example.com", "/")).IsEqualTo("wild3");
        await Assert.That(MatchName(t, "y.com", "/")).IsEqualTo("either");
    }

    [Test]
    public async Task Index_answers_like_a_linear_scan_on_random_rule_sets()
    {
        var rng = new Random(20261122);
        var gen = new RandomRules(rng);
        int mismatches = 0, matched = 0, checkedRequests = 0;
        for (int round = 0; round < 40; round++)
        {
            var routers = new List<(string, Router)>();
            int count = rng.Next(1, 25);
            for (int i = 0; i < count; i++)
            {
                bool v2 = rng.Next(6) == 0;
                string rule = v2 ? gen.RuleV2() : gen.Rule();
                long priority = rng.Next(4) == 0 ? rng.Next(1, 40) : 0;
                routers.Add(R($"r{round}-{i}", rule, priority, syntax: v2 ? "v2" : null));
            }

            RouteTableCompilation c = RouteTable.Compile(routers, "web", false);
            await Assert.That(c.Errors.Count).IsEqualTo(0);
            for (int q = 0; q < 200; q++)
            {
                RouteRequest req = gen.Request();
                RouteEntry? indexed = c.Table.Match(req);
                RouteEntry? linear = c.Table.MatchLinear(req);
                checkedRequests++;
                matched += linear is null ? 0 : 1;
                if (!ReferenceEquals(indexed, linear))
                {
                    mismatches++;
                }
            }
        }

        await Assert.That(mismatches).IsEqualTo(0);
        // The generator must exercise both outcomes for the comparison to mean anything.
        await Assert.That(matched).IsGreaterThan(checkedRequests / 10);
        await Assert.That(matched).IsLessThan(checkedRequests * 19 / 20);
    }

    [Test]
    public async Task HttpContext_adapter_reads_routing_inputs()
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "POST";
        ctx.Request.Scheme = "https";
        ctx.Request.Host = new HostString("API.example.com:8443");
        ctx.Request.Path = "/foo bar";
        ctx.Request.QueryString = new QueryString("?a=1");
        ctx.Request.Headers["X-Env"] = "prod";
        ctx.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.7");
        ctx.Features.Get<IHttpRequestFeature>()!.RawTarget = "/foo%20bar?a=1";

        await Assert.That(HttpContextRouteRequest.TryCreate(ctx, out RouteRequest req)).IsTrue();
        await Assert.That(req.IsTls).IsTrue();
        await Assert.That(req.Path).IsEqualTo("/foo bar");
        await Assert.That(req.CanonicalHost.ToString()).IsEqualTo("API.example.com");
        RuleParseResult rule = RuleParser.Parse("r",
            "Host(`api.example.com`) && Path(`/foo bar`) && Method(`POST`) && Query(`a`, `1`) && Header(`X-Env`, `prod`) && ClientIP(`10.0.0.0/8`)");
        await Assert.That(rule.Rule!.Matches(req)).IsTrue();

        ctx.Features.Get<IHttpRequestFeature>()!.RawTarget = "/a%2Fb";
        await Assert.That(HttpContextRouteRequest.TryCreate(ctx, out req)).IsTrue();
        await Assert.That(req.Path).IsEqualTo("/a%2Fb");
    }
}
