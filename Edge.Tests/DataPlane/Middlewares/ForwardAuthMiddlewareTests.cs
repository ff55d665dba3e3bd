using System.Text;
using Edge.DataPlane.Middlewares;
using Edge.Model;
using Edge.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's forwardAuth in process against a loopback auth server: the cases of its
/// forward_test.go (fail, success with response headers/regex/cookies, redirect, body, limits,
/// signin URL, the X-Forwarded-* sent with and without trustForwardHeader).
/// </summary>
public class ForwardAuthMiddlewareTests
{
    private static Middleware Auth(LoopbackServer server, Action<ForwardAuthConfig>? configure = null)
    {
        var c = new ForwardAuthConfig { Address = server.Url + "/auth" };
        configure?.Invoke(c);
        return new Middleware { ForwardAuth = c };
    }

    [Test]
    public async Task A_refusal_goes_back_to_the_client_as_the_auth_server_gave_it()
    {
        await using var auth = await LoopbackServer.StartAsync(async ctx =>
        {
            ctx.Response.StatusCode = 403;
            ctx.Response.Headers.ProxyAuthenticate = "test";
            await ctx.Response.WriteAsync("Forbidden\n");
        });
        var h = await MiddlewareHarness.RunAsync(Auth(auth));
        await Assert.That(h.Forwarded).IsFalse();
        await Assert.That(h.Status).IsEqualTo(403);
        await Assert.That(h.ResponseHeader("Proxy-Authenticate")).IsEqualTo("test");
        await Assert.That(h.Body).IsEqualTo("Forbidden\n");
    }

    [Test]
    public async Task Success_copies_authResponseHeaders_and_the_regex_and_merges_the_listed_cookies()
    {
        await using var auth = await LoopbackServer.StartAsync(async ctx =>
        {
            var hd = ctx.Response.Headers;
            hd["X-Auth-User"] = "user@example.com";
            hd["X-Auth-Secret"] = "secret";
            hd.Append("X-Auth-Group", "group1");
            hd.Append("X-Auth-Group", "group2");
            hd["Foo-Bar"] = "auth-value";
            hd.Append("Set-Cookie", "authCookie=Auth");
            hd.Append("Set-Cookie", "authCookieNotAdded=Auth");
            await ctx.Response.WriteAsync("Success\n");
        });
        var chain = new MiddlewareHarness.Chain(Auth(auth, c =>
        {
            c.AuthResponseHeaders = ["X-Auth-User", "X-Auth-Group"];
            c.AuthResponseHeadersRegex = "^Foo-";
            c.AddAuthCookiesToResponse = ["authCookie"];
        }), r =>
        {
            r.Context.Response.Headers.Append("Set-Cookie", "authCookie=Backend");
            r.Context.Response.Headers.Append("Set-Cookie", "backendCookie=Backend");
            r.Context.Response.Headers["Other-Header"] = "BackendHeaderValue";
            return Task.CompletedTask;
        });
        var h = await chain.RunAsync(request: req =>
        {
            req.Headers["X-Auth-Group"] = "admin_group";
            req.Headers["Foo-Bar"] = "client-value";
            req.Headers["Foo-Baz"] = "client-value";
        });
        await Assert.That(h.Forwarded).IsTrue();
        await Assert.That(h.RequestHeader("X-Auth-User")).IsEqualTo("user@example.com");
        await Assert.That(h.RequestHeader("X-Auth-Secret")).IsEqualTo("");
        await Assert.That(h.RequestHeader("X-Auth-Group")).IsEqualTo("group1,group2");
        await Assert.That(h.RequestHeader("Foo-Bar")).IsEqualTo("auth-value");
        await Assert.That(h.RequestHeader("Foo-Baz")).IsEqualTo("").Because("the regex removes matching request headers the auth server did not send");
        await Assert.That(string.Join("|", h.Context.Response.Headers.SetCookie.ToArray())).IsEqualTo("backendCookie=Backend|authCookie=Auth");
        await Assert.That(h.ResponseHeader("Other-Header")).IsEqualTo("BackendHeaderValue");
    }

    [Test]
    [Arguments(false, "http://127.0.0.1:{port}/login?from=auth")]
    [Arguments(true, "/login?from=auth")]
    public async Task A_relative_Location_is_made_absolute_unless_preserveLocationHeader(bool preserve, string expected)
    {
        await using var auth = await LoopbackServer.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = 302;
            ctx.Response.Headers.Location = "/login?from=auth";
            return Task.CompletedTask;
        });
        var h = await MiddlewareHarness.RunAsync(Auth(auth, c => c.PreserveLocationHeader = preserve));
        await Assert.That(h.Status).IsEqualTo(302);
        await Assert.That(h.ResponseHeader("Location")).IsEqualTo(expected.Replace("{port}", auth.Port.ToString()));
    }

    [Test]
    public async Task An_unreachable_auth_server_answers_500_and_nothing_reaches_the_backend()
    {
        var port = FreePort.Get();
        var h = await MiddlewareHarness.RunAsync(new Middleware { ForwardAuth = new ForwardAuthConfig { Address = $"http://127.0.0.1:{port}/auth" } });
        await Assert.That(h.Status).IsEqualTo(500);
        await Assert.That(h.Forwarded).IsFalse();
    }

    [Test]
    [Arguments(true, -1L, "hello body", 200)]
    [Arguments(true, 5L, "hello body", 401)]
    [Arguments(true, 10L, "hello body", 200)]
    [Arguments(false, -1L, "", 200)]
    public async Task ForwardBody_sends_the_body_to_both_within_maxBodySize(bool forwardBody, long max, string authSees, int status)
    {
        await using var auth = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        string? backendSaw = null;
        var chain = new MiddlewareHarness.Chain(Auth(auth, c => { c.ForwardBody = forwardBody; c.MaxBodySize = max; }), async r =>
        {
            using var reader = new StreamReader(r.Context.Request.Body);
            backendSaw = await reader.ReadToEndAsync();
        });
        var h = await chain.RunAsync(request: req =>
        {
            req.Method = "POST";
            req.Body = new MemoryStream(Encoding.UTF8.GetBytes("hello body"));
            req.ContentLength = 10;
        });
        await Assert.That(h.Status).IsEqualTo(status);
        if (status != 200) { await Assert.That(auth.Requests).IsEqualTo(0); return; }
        await Assert.That(auth.LastBody).IsEqualTo(authSees);
        await Assert.That(auth.LastMethod).IsEqualTo("GET");
        await Assert.That(backendSaw).IsEqualTo("hello body");
    }

    [Test]
    [Arguments(-1L, 200, "ok body", 200)]
    [Arguments(3L, 200, "ok body", 401)]
    [Arguments(-1L, 403, "denied", 403)]
    [Arguments(3L, 403, "denied", 401)]
    public async Task MaxResponseBodySize_bounds_the_auth_answer(long max, int authStatus, string authBody, int expected)
    {
        await using var auth = await LoopbackServer.StartAsync(async ctx => { ctx.Response.StatusCode = authStatus; await ctx.Response.WriteAsync(authBody); });
        var h = await MiddlewareHarness.RunAsync(Auth(auth, c => c.MaxResponseBodySize = max));
        await Assert.That(h.Status).IsEqualTo(expected);
    }

    [Test]
    [Arguments(401, "https://login.example.com/", 302)]
    [Arguments(403, "https://login.example.com/", 403)]
    [Arguments(200, "https://login.example.com/", 200)]
    [Arguments(401, null, 401)]
    public async Task AuthSigninURL_redirects_only_a_401(int authStatus, string? signin, int expected)
    {
        await using var auth = await LoopbackServer.StartAsync(ctx => { ctx.Response.StatusCode = authStatus; return Task.CompletedTask; });
        var h = await MiddlewareHarness.RunAsync(Auth(auth, c => c.AuthSigninUrl = signin));
        await Assert.That(h.Status).IsEqualTo(expected);
        if (expected == 302) await Assert.That(h.ResponseHeader("Location")).IsEqualTo(signin!);
    }

    [Test]
    public async Task PreserveRequestMethod_sends_the_clients_method()
    {
        await using var auth = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await MiddlewareHarness.RunAsync(Auth(auth, c => c.PreserveRequestMethod = true), request: req => req.Method = "DELETE");
        await Assert.That(auth.LastMethod).IsEqualTo("DELETE");
    }

    /// <summary>
    /// forward_test.go's writeHeader / oldWriteHeader cases, for a request to http://foo.bar/path?q=1
    /// from 127.0.0.1. "trusted" is the entry point's forwardedHeaders.trustedIPs (the headers an
    /// untrusted client sends never get past Traefik's entry point).
    /// </summary>
    public static IEnumerable<Func<(string Case, bool? Trust, bool Trusted, string[] Allowed, string[] Sent, string[] Expected, string[] Absent)>> HeaderCases()
    {
        yield return () => ("trust forward header", true, true, [], ["Accept: application/json", "X-Forwarded-Host: fii.bir"],
            ["Accept: application/json", "X-Forwarded-Host: fii.bir", "X-Forwarded-For: 127.0.0.1", "X-Forwarded-Method: GET", "X-Forwarded-Uri: /path?q=1"], []);
        yield return () => ("not trust forward header", false, true, [], ["Accept: application/json", "X-Forwarded-Host: fii.bir"],
            ["Accept: application/json", "X-Forwarded-Host: foo.bar", "X-Forwarded-Proto: http", "X-Forwarded-Port: 80"], ["X-Real-Ip", "X-Forwarded-Server"]);
        yield return () => ("trust forward header with forwarded URI", true, true, [], ["X-Forwarded-Uri: /forward?q=1", "X-Forwarded-For: 10.0.0.1"],
            ["X-Forwarded-Uri: /forward?q=1", "X-Forwarded-For: 10.0.0.1, 127.0.0.1"], []);
        yield return () => ("an untrusted client's X-Forwarded-* never pass", true, false, [], ["X-Forwarded-Uri: /forward?q=1", "X-Forwarded-Host: fii.bir", "X-Forwarded-Prefix: /p"],
            ["X-Forwarded-Uri: /path?q=1", "X-Forwarded-Host: foo.bar", "X-Forwarded-Proto: http", "X-Real-Ip: 127.0.0.1"], ["X-Forwarded-Prefix"]);
        yield return () => ("trust forward header with forwarded request Method", true, true, [], ["X-Forwarded-Method: POST"], ["X-Forwarded-Method: POST"], []);
        yield return () => ("not trust forward header with forward request Method", false, true, [], ["X-Forwarded-Method: POST"], ["X-Forwarded-Method: GET"], []);
        yield return () => ("remove hop-by-hop headers", true, true, [], ["Connection: Keep-Alive, X-Private", "Keep-Alive: timeout=5", "X-Private: 1", "Te: trailers", "X-Kept: 1"],
            ["X-Kept: 1"], ["Connection", "Keep-Alive", "X-Private", "Te"]);
        yield return () => ("filter forward request headers", null, false, ["X-CustomHeader", "Content-Type"], ["X-CustomHeader: CustomHeader", "Accept: text/html"],
            ["X-CustomHeader: CustomHeader", "X-Forwarded-For: 127.0.0.1", "X-Forwarded-Proto: http", "X-Forwarded-Host: foo.bar", "X-Forwarded-Uri: /path?q=1", "X-Forwarded-Method: GET"], ["Accept", "X-Forwarded-Port"]);
        yield return () => ("authRequestHeaders and XForwarded are kept if trusted", true, true, ["X-CustomHeader"], ["X-CustomHeader: CustomHeader", "X-Forwarded-Uri: /path?q=2", "Accept: x"],
            ["X-CustomHeader: CustomHeader", "X-Forwarded-Proto: http", "X-Forwarded-Host: foo.bar", "X-Forwarded-Uri: /path?q=2", "X-Forwarded-Method: GET", "X-Forwarded-Port: 80"], ["Accept"]);
        yield return () => ("X-Forwarded and X_forwarded headers are removed when not trusted", false, true, [], ["X-CustomHeader: CustomHeader", "X_forwarded_for: 10.9.9.9", "X-Forwarded-Proto: xxx"],
            ["X-CustomHeader: CustomHeader", "X-Forwarded-Proto: http", "X-Forwarded-Port: 80", "X-Forwarded-For: 127.0.0.1"], ["X_forwarded_for"]);
        yield return () => ("X-Forwarded-Proto is not used for X-Forwarded-Port when not trusted", false, true, [], ["X-Forwarded-Proto: https"],
            ["X-Forwarded-Proto: http", "X-Forwarded-Port: 80"], []);
        yield return () => ("unset: X-Forwarded-Prefix is kept for non-breaking behaviour", null, true, [], ["X-Forwarded-Prefix: /prefix", "X-Forwarded-Host: fii.bir"],
            ["X-Forwarded-Prefix: /prefix", "X-Forwarded-Host: foo.bar", "X-Forwarded-For: 127.0.0.1"], []);
    }

    [Test]
    [MethodDataSource(nameof(HeaderCases))]
    public async Task The_auth_server_gets_Traefiks_headers((string Case, bool? Trust, bool Trusted, string[] Allowed, string[] Sent, string[] Expected, string[] Absent) c)
    {
        await using var auth = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await MiddlewareHarness.RunAsync(Auth(auth, cfg => { cfg.TrustForwardHeader = c.Trust; cfg.AuthRequestHeaders = c.Allowed.ToList(); }),
            path: "/path", host: "foo.bar", trustedIps: c.Trusted ? "127.0.0.1" : null, request: req =>
            {
                req.QueryString = new QueryString("?q=1");
                foreach (var line in c.Sent)
                {
                    var (name, value) = (line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..].Trim());
                    req.Headers[name] = value;
                }
            });
        foreach (var line in c.Expected)
        {
            var (name, value) = (line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..].Trim());
            await Assert.That(auth.LastHeaders.GetValueOrDefault(name)).IsEqualTo(value).Because($"{c.Case}: {name}");
        }
        foreach (var name in c.Absent)
            await Assert.That(auth.LastHeaders.ContainsKey(name)).IsFalse().Because($"{c.Case}: {name} is not sent");
        await Assert.That(auth.LastTarget).IsEqualTo("/auth");
    }

    [Test]
    [Arguments("""{"address":""}""", "forward authentication requires an address")]
    [Arguments("""{"address":"not a url"}""", "invalid forwardAuth address not a url: an absolute http or https URL is expected")]
    [Arguments("""{"address":"http://127.0.0.1:1","authResponseHeadersRegex":"(["}""", "error compiling regular expression ([")]
    [Arguments("""{"address":"https://127.0.0.1:1","tls":{"ca":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}}""", "unable to create client TLS configuration")]
    public async Task Bad_options_are_refused(string json, string error)
    {
        var config = System.Text.Json.JsonSerializer.Deserialize(json, ModelJsonContext.Default.ForwardAuthConfig)!;
        await Assert.That(MiddlewareBuilder.Create(new Middleware { ForwardAuth = config }, out var why)).IsNull();
        await Assert.That(why).StartsWith(error);
    }
}
