using System.Net;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Rules;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Routing.Rules;

public class MatcherTests
{
    internal static bool Matches(string rule, RouteRequest request, RuleSyntax syntax = RuleSyntax.V3)
    {
        RuleParseResult r = RuleParser.Parse("t", rule, syntax);
        if (!r.Success)
        {
            throw new InvalidOperationException(r.Error.ToString());
        }

        return r.Rule.Matches(request);
    }

    private static RouteRequest Host(string host) => new(host, "/");

    private static RouteRequest PathOf(string path) => new("example.com", path);

    private static RouteRequest QueryOf(string query) => new("example.com", "/", query: query);

    private static RouteRequest Headers(params (string Name, string[] Values)[] headers)
    {
        var dict = new HeaderDictionary();
        foreach (var (name, values) in headers)
        {
            dict[name] = values;
        }

        return new RouteRequest("example.com", "/", headers: dict);
    }

    [Test]
    [Arguments("Host(`example.com`)", "example.com", true)]
    [Arguments("Host(`example.com`)", "EXAMPLE.com", true)]
    [Arguments("Host(`Example.COM`)", "example.com", true)]
    [Arguments("Host(`example.com`)", "example.com:8443", true)]
    [Arguments("Host(`example.com`)", "example.com.", true)]
    [Arguments("Host(`example.com.`)", "example.com", true)]
    [Arguments("Host(`example.com`)", "www.example.com", false)]
    [Arguments("Host(`example.com`)", "example.co", false)]
    [Arguments("Host(`example.com`)", "", false)]
    [Arguments("Host(`::1`)", "[::1]:8080", true)]
    [Arguments("Host(`::1`)", "[::1]", true)]
    [Arguments("Host(`10.0.0.1`)", "10.0.0.1:80", true)]
    [Arguments("Host(`*.example.com`)", "a.example.com", true)]
    [Arguments("Host(`*.example.com`)", "A.Example.com:80", true)]
    [Arguments("Host(`*.example.com`)", "a.b.example.com", false)]
    [Arguments("Host(`*.example.com`)", "example.com", false)]
    [Arguments("Host(`*`)", "", true)]
    [Arguments("Host(`*`)", "anything:1", true)]
    public async Task Host_v3(string rule, string host, bool expected)
    {
        await Assert.That(Matches(rule, Host(host))).IsEqualTo(expected);
    }

    [Test]
    [Arguments("HostRegexp(`example\\.com`)", "EXAMPLE.com:8080", true)]
    [Arguments("HostRegexp(`example\\.com`)", "notexample.com", true)]
    [Arguments("HostRegexp(`^example\\.com$`)", "notexample.com", false)]
    [Arguments("HostRegexp(`^[A-Z]+\\.com$`)", "EXAMPLE.com", false)]
    [Arguments("HostRegexp(`^[a-z0-9-]+\\.example\\.com$`)", "Api.example.com", true)]
    [Arguments("HostRegexp(`^[a-z0-9-]+\\.example\\.com$`)", "a.b.example.com", false)]
    [Arguments("HostRegexp(`^(?P<sub>[a-z]+)\\.example\\.com$`)", "www.example.com", true)]
    [Arguments("HostRegexp(`^\\d+\\.example\\.com$`)", "١٢.example.com", false)]
    public async Task HostRegexp_v3(string rule, string host, bool expected)
    {
        await Assert.That(Matches(rule, Host(host))).IsEqualTo(expected);
    }

    [Test]
    [Arguments("Path(`/foo`)", "/foo", true)]
    [Arguments("Path(`/foo`)", "/foo/", false)]
    [Arguments("Path(`/foo`)", "/FOO", false)]
    [Arguments("PathPrefix(`/api`)", "/api", true)]
    [Arguments("PathPrefix(`/api`)", "/api/v1", true)]
    [Arguments("PathPrefix(`/api`)", "/apix", true)]
    [Arguments("PathPrefix(`/api/`)", "/api", false)]
    [Arguments("PathRegexp(`^/v[0-9]+/`)", "/v12/x", true)]
    [Arguments("PathRegexp(`\\.css`)", "/a/b.css?", true)]
    [Arguments("PathRegexp(`^/foo$`)", "/foo\n", false)]
    [Arguments("PathRegexp(`^/\\w+$`)", "/héllo", false)]
    [Arguments("PathRegexp(`^/[[:alpha:]]+$`)", "/abc", true)]
    [Arguments("PathRegexp(`^/\\pL+$`)", "/héllo", true)]
    [Arguments("PathRegexp(`^/\\Q.*\\E$`)", "/.*", true)]
    [Arguments("PathRegexp(`^/\\Q.*\\E$`)", "/ab", false)]
    [Arguments("PathRegexp(`(?i)^/FOO`)", "/foo", true)]
    public async Task Path_matchers(string rule, string path, bool expected)
    {
        await Assert.That(Matches(rule, PathOf(path))).IsEqualTo(expected);
    }

    [Test]
    public async Task Method_is_uppercased_in_rule_and_case_sensitive_on_request()
    {
        await Assert.That(Matches("Method(`get`)", new RouteRequest("h", "/", "GET"))).IsTrue();
        await Assert.That(Matches("Method(`GET`)", new RouteRequest("h", "/", "get"))).IsFalse();
        await Assert.That(Matches("Method(`POST`)", new RouteRequest("h", "/", "GET"))).IsFalse();
    }

    [Test]
    public async Task Header_and_HeaderRegexp()
    {
        var req = Headers(("X-Env", ["staging", "prod"]), ("Accept", ["text/html, application/json"]));
        await Assert.That(Matches("Header(`X-Env`, `prod`)", req)).IsTrue();
        await Assert.That(Matches("Header(`x-env`, `prod`)", req)).IsTrue();
        await Assert.That(Matches("Header(`X-Env`, `PROD`)", req)).IsFalse();
        await Assert.That(Matches("Header(`Accept`, `application/json`)", req)).IsFalse();
        await Assert.That(Matches("Header(`X-Missing`, `prod`)", req)).IsFalse();
        await Assert.That(Matches("HeaderRegexp(`Accept`, `json`)", req)).IsTrue();
        await Assert.That(Matches("HeaderRegexp(`X-Env`, `^stag`)", req)).IsTrue();
        await Assert.That(Matches("HeaderRegexp(`X-Env`, `^dev`)", req)).IsFalse();
        await Assert.That(Matches("Header(`X-Env`, `prod`)", Host("h"))).IsFalse();
    }

    [Test]
    [Arguments("Query(`a`, `1`)", "a=1", true)]
    [Arguments("Query(`a`, `1`)", "?b=2&a=1", true)]
    [Arguments("Query(`a`, `1`)", "a=2&a=1", true)]
    [Arguments("Query(`a`, `1`)", "A=1", false)]
    [Arguments("Query(`a`, `x y`)", "a=x+y", true)]
    [Arguments("Query(`a`, `x y`)", "a=x%20y", true)]
    [Arguments("Query(`a b`, `é`)", "a%20b=%C3%A9", true)]
    [Arguments("Query(`a`, `1`)", "a=1;b=2", false)]
    [Arguments("Query(`a`, `1`)", "a=%zz&a=1", true)]
    [Arguments("Query(`a`, `1`)", "a=1%", false)]
    [Arguments("Query(`a`)", "a", true)]
    [Arguments("Query(`a`)", "a=", true)]
    [Arguments("Query(`a`)", "a=1", false)]
    [Arguments("QueryRegexp(`a`, `^[0-9]+$`)", "a=x&a=42", true)]
    [Arguments("QueryRegexp(`a`, `^[0-9]+$`)", "a=x", false)]
    [Arguments("QueryRegexp(`a`, `^é$`)", "a=%C3%A9", true)]
    [Arguments("QueryRegexp(`a`)", "a=", true)]
    public async Task Query_v3(string rule, string query, bool expected)
    {
        await Assert.That(Matches(rule, QueryOf(query))).IsEqualTo(expected);
    }

    [Test]
    [Arguments("ClientIP(`10.0.0.0/8`)", "10.1.2.3", true)]
    [Arguments("ClientIP(`10.0.0.0/8`)", "11.1.2.3", false)]
    [Arguments("ClientIP(`10.1.2.3/8`)", "10.200.0.1", true)]
    [Arguments("ClientIP(`10.0.0.0/8`)", "::ffff:10.1.2.3", true)]
    [Arguments("ClientIP(`192.168.1.7`)", "192.168.1.7", true)]
    [Arguments("ClientIP(`192.168.1.7`)", "192.168.1.8", false)]
    [Arguments("ClientIP(`2001:db8::/32`)", "2001:db8:1::5", true)]
    [Arguments("ClientIP(`2001:db8::/32`)", "2001:db9::5", false)]
    [Arguments("ClientIP(`::1`)", "::1", true)]
    [Arguments("ClientIP(`0.0.0.0/0`)", "8.8.8.8", true)]
    [Arguments("ClientIP(`0.0.0.0/0`)", "2001:db8::1", false)]
    public async Task ClientIP(string rule, string ip, bool expected)
    {
        var req = new RouteRequest("h", "/", clientIp: IPAddress.Parse(ip));
        await Assert.That(Matches(rule, req)).IsEqualTo(expected);
    }

    [Test]
    public async Task ClientIP_without_peer_address_does_not_match()
    {
        await Assert.That(Matches("ClientIP(`0.0.0.0/0`)", Host("h"))).IsFalse();
    }

    [Test]
    public async Task Operators_combine_matchers()
    {
        var req = new RouteRequest("a.com", "/x", "GET");
        await Assert.That(Matches("Host(`a.com`) && Path(`/x`)", req)).IsTrue();
        await Assert.That(Matches("Host(`a.com`) && Path(`/y`)", req)).IsFalse();
        await Assert.That(Matches("Host(`b.com`) || Path(`/x`)", req)).IsTrue();
        await Assert.That(Matches("!Host(`b.com`)", req)).IsTrue();
        await Assert.That(Matches("!(Host(`a.com`) && Method(`GET`))", req)).IsFalse();
        await Assert.That(Matches("Host(`b.com`) || Host(`a.com`) && !Method(`POST`)", req)).IsTrue();
    }

    [Test]
    [Arguments("Host(`a.com`, `b.com`)", "B.com:80", true)]
    [Arguments("Host(`a.com`, `b.com`)", "c.com", false)]
    [Arguments("Host(`*.a.com`)", "x.a.com", false)]
    [Arguments("HostHeader(`a.com`)", "a.com.", true)]
    [Arguments("HostRegexp(`{sub:[a-z]+}.example.com`)", "WWW.example.com:8080", true)]
    [Arguments("HostRegexp(`{sub:[a-z]+}.example.com`)", "a.b.example.com", false)]
    [Arguments("HostRegexp(`{sub}.example.com`)", "a-b.example.com", true)]
    [Arguments("HostRegexp(`{subdomain:(foo\\.)?bar\\.com}`)", "bar.com", true)]
    [Arguments("HostRegexp(`{subdomain:(foo\\.)?bar\\.com}`)", "fooubar.com", false)]
    [Arguments("HostRegexp(`(example.com`)", "example.com", false)]
    [Arguments("HostRegexp(`example.com`, `example.org`)", "example.org", true)]
    [Arguments("HostRegexp(`example.com`)", "exampleXcom", false)]
    [Arguments("HostRegexp(`example.com:8080`)", "example.com:8080", true)]
    [Arguments("HostRegexp(`example.com:8080`)", "example.com", false)]
    [Arguments("HostRegexp(`{sub:(?:www\\.)?}example.com`)", "www.example.com:80", false)]
    [Arguments("HostRegexp(`{sub:(?:www\\.)?}example.com`)", "www.example.com", true)]
    public async Task Host_v2(string rule, string host, bool expected)
    {
        await Assert.That(Matches(rule, Host(host), RuleSyntax.V2)).IsEqualTo(expected);
    }

    [Test]
    [Arguments("Path(`/users/{id:[0-9]+}`)", "/users/42", true)]
    [Arguments("Path(`/users/{id:[0-9]+}`)", "/users/42/x", false)]
    [Arguments("Path(`/users/{id}`)", "/users/bob", true)]
    [Arguments("Path(`/users/{id}`)", "/users/bob/x", false)]
    [Arguments("Path(`/a`, `/b`)", "/b", true)]
    [Arguments("Path(`/a.b`)", "/aXb", false)]
    [Arguments("PathPrefix(`/api`, `/v2/{x:[a-z]+}/`)", "/v2/foo/bar", true)]
    [Arguments("PathPrefix(`/api`, `/v2/{x:[a-z]+}/`)", "/apix", true)]
    [Arguments("PathPrefix(`/api`, `/v2/{x:[a-z]+}/`)", "/v2/123/", false)]
    public async Task Path_v2(string rule, string path, bool expected)
    {
        await Assert.That(Matches(rule, PathOf(path), RuleSyntax.V2)).IsEqualTo(expected);
    }

    [Test]
    public async Task Method_headers_query_clientip_v2()
    {
        await Assert.That(Matches("Method(`get`, `POST`)", new RouteRequest("h", "/", "POST"), RuleSyntax.V2)).IsTrue();
        await Assert.That(Matches("Method(`get`, `POST`)", new RouteRequest("h", "/", "PUT"), RuleSyntax.V2)).IsFalse();

        var req = Headers(("X-A", ["1"]), ("X-B", ["22"]));
        await Assert.That(Matches("Headers(`X-A`, `1`, `X-B`, `22`)", req, RuleSyntax.V2)).IsTrue();
        await Assert.That(Matches("Headers(`X-A`, `1`, `X-B`, `2`)", req, RuleSyntax.V2)).IsFalse();
        await Assert.That(Matches("HeadersRegexp(`X-B`, `^[0-9]+$`)", req, RuleSyntax.V2)).IsTrue();

        await Assert.That(Matches("Query(`a=1`)", QueryOf("a=1"), RuleSyntax.V2)).IsTrue();
        await Assert.That(Matches("Query(`a=1`)", QueryOf("a=2&a=1"), RuleSyntax.V2)).IsFalse();
        await Assert.That(Matches("Query(`a=1`)", QueryOf("b=2;a=1"), RuleSyntax.V2)).IsTrue();
        await Assert.That(Matches("Query(`a=`)", QueryOf("a=anything"), RuleSyntax.V2)).IsTrue();
        await Assert.That(Matches("Query(`a=`)", QueryOf("b=1"), RuleSyntax.V2)).IsFalse();
        await Assert.That(Matches("Query(`a`, `1`)", QueryOf("a=1"), RuleSyntax.V2)).IsTrue();
        await Assert.That(Matches("Query(`a={n:[0-9]+}`)", QueryOf("a=12"), RuleSyntax.V2)).IsTrue();
        await Assert.That(Matches("Query(`a={n:[0-9]+}`)", QueryOf("a=1x"), RuleSyntax.V2)).IsFalse();
        await Assert.That(Matches("Query(`a=1`, `b=2`)", QueryOf("a=1"), RuleSyntax.V2)).IsFalse();

        var ip = new RouteRequest("h", "/", clientIp: IPAddress.Parse("192.168.0.9"));
        await Assert.That(Matches("ClientIP(`10.0.0.0/8`, `192.168.0.0/16`)", ip, RuleSyntax.V2)).IsTrue();
    }

    [Test]
    [Arguments("/plain", "/plain")]
    [Arguments("/foo%20bar", "/foo bar")]
    [Arguments("/a%2Fb", "/a%2Fb")]
    [Arguments("/a%2fb", "/a/b")]
    [Arguments("/%C3%A9", "/é")]
    [Arguments("/x%3Fy%25", "/x%3Fy%25")]
    [Arguments("/bad%2", null)]
    [Arguments("/bad%zz", null)]
    public async Task Routing_path_decodes_unreserved_escapes_only(string escaped, string? expected)
    {
        await Assert.That(RoutingPath.FromEscaped(escaped)).IsEqualTo(expected);
    }
}
