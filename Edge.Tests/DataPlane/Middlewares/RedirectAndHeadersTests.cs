using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>redirectScheme, redirectRegex and headers, with the cases of Traefik's docs and tests.</summary>
public class RedirectAndHeadersTests
{
    [Test]
    [Arguments("GET", false, null, "http://foo.example.com/path?q=1", 302, "https://foo.example.com/path?q=1")]
    [Arguments("GET", true, null, "http://foo.example.com/path", 301, "https://foo.example.com/path")]
    [Arguments("POST", false, null, "http://foo.example.com/path", 307, "https://foo.example.com/path")]
    [Arguments("POST", true, null, "http://foo.example.com/path", 308, "https://foo.example.com/path")]
    [Arguments("GET", false, "8443", "http://foo.example.com:8000/path", 302, "https://foo.example.com:8443/path")]
    [Arguments("GET", false, "443", "http://foo.example.com:8000/path", 302, "https://foo.example.com/path")]
    public async Task RedirectScheme(string method, bool permanent, string? port, string url, int status, string location)
    {
        var uri = new Uri(url);
        var h = await MiddlewareHarness.RunAsync(new Middleware { RedirectScheme = new() { Scheme = "https", Port = port, Permanent = permanent } },
            uri.AbsolutePath, uri.IsDefaultPort ? uri.Host : uri.Authority, req =>
            {
                req.Method = method;
                req.QueryString = new Microsoft.AspNetCore.Http.QueryString(uri.Query);
            });
        await Assert.That(h.Forwarded).IsFalse();
        await Assert.That(h.Status).IsEqualTo(status);
        await Assert.That(h.ResponseHeader("Location")).IsEqualTo(location);
    }

    [Test]
    public async Task RedirectScheme_passes_a_request_already_on_the_scheme()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { RedirectScheme = new() { Scheme = "https" } }, "/x", https: true);
        await Assert.That(h.Forwarded).IsTrue();
    }

    [Test]
    [Arguments(null, false)]              // from an untrusted client, X-Forwarded-Proto is not believed
    [Arguments("127.0.0.1", true)]        // from a trusted proxy it is: the request is already https
    public async Task RedirectScheme_believes_X_Forwarded_Proto_only_from_trusted_sources(string? trusted, bool forwarded)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { RedirectScheme = new() { Scheme = "https" } }, "/x",
            request: r => r.Headers["X-Forwarded-Proto"] = "https", trustedIps: trusted);
        await Assert.That(h.Forwarded).IsEqualTo(forwarded);
    }

    [Test]
    public async Task RedirectRegex_rewrites_the_url_with_go_replacement_syntax()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware
        {
            RedirectRegex = new() { Regex = "^http://localhost/(.*)", Replacement = "http://mydomain/${1}", Permanent = true },
        }, "/some/path", "localhost");
        await Assert.That(h.Status).IsEqualTo(301);
        await Assert.That(h.ResponseHeader("Location")).IsEqualTo("http://mydomain/some/path");
    }

    [Test]
    public async Task RedirectRegex_without_a_match_goes_on()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { RedirectRegex = new() { Regex = "^http://other/(.*)", Replacement = "http://x/$1" } }, "/p", "localhost");
        await Assert.That(h.Forwarded).IsTrue();
    }

    [Test]
    public async Task Custom_request_headers_are_set_and_an_empty_value_removes_one()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware
        {
            Headers = new()
            {
                CustomRequestHeaders = new() { ["X-Script-Name"] = "test", ["X-Custom-Request-Header"] = "" },
                CustomResponseHeaders = new() { ["X-Custom-Response-Header"] = "value", ["Server"] = "" },
            },
        }, "/", request: r => r.Headers["X-Custom-Request-Header"] = "from-client");
        await Assert.That(h.RequestHeader("X-Script-Name")).IsEqualTo("test");
        await Assert.That(h.ForwardedHeaders!.ContainsKey("X-Custom-Request-Header")).IsFalse();
        await Assert.That(h.ResponseHeader("X-Custom-Response-Header")).IsEqualTo("value");
    }

    [Test]
    [Arguments(false, false, "")]
    [Arguments(true, false, "max-age=31536000; includeSubDomains; preload")]
    [Arguments(false, true, "max-age=31536000; includeSubDomains; preload")]
    public async Task Security_headers_and_STS_only_over_TLS_unless_forced(bool https, bool force, string sts)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware
        {
            Headers = new()
            {
                FrameDeny = true, ContentTypeNosniff = true, BrowserXssFilter = true, ReferrerPolicy = "same-origin",
                ContentSecurityPolicy = "default-src 'self'", StsSeconds = 31536000, StsIncludeSubdomains = true, StsPreload = true, ForceStsHeader = force,
            },
        }, "/", https: https);
        await Assert.That(h.ResponseHeader("X-Frame-Options")).IsEqualTo("DENY");
        await Assert.That(h.ResponseHeader("X-Content-Type-Options")).IsEqualTo("nosniff");
        await Assert.That(h.ResponseHeader("X-XSS-Protection")).IsEqualTo("1; mode=block");
        await Assert.That(h.ResponseHeader("Referrer-Policy")).IsEqualTo("same-origin");
        await Assert.That(h.ResponseHeader("Content-Security-Policy")).IsEqualTo("default-src 'self'");
        await Assert.That(h.ResponseHeader("Strict-Transport-Security")).IsEqualTo(sts);
    }

    private static HeadersConfig Cors() => new()
    {
        AccessControlAllowMethods = ["GET", "OPTIONS", "PUT"], AccessControlAllowHeaders = ["*"],
        AccessControlAllowOriginList = ["https://foo.bar.org", "https://example.org"], AccessControlMaxAge = 100, AddVaryHeader = true,
    };

    [Test]
    public async Task Cors_preflight_is_answered_without_the_backend()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { Headers = Cors() }, "/", request: r =>
        {
            r.Method = "OPTIONS";
            r.Headers.Origin = "https://foo.bar.org";
            r.Headers.AccessControlRequestMethod = "GET";
        });
        await Assert.That(h.Forwarded).IsFalse();
        await Assert.That(h.Status).IsEqualTo(200);
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Origin")).IsEqualTo("https://foo.bar.org");
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Methods")).IsEqualTo("GET,OPTIONS,PUT");
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Headers")).IsEqualTo("*");
        await Assert.That(h.ResponseHeader("Access-Control-Max-Age")).IsEqualTo("100");
    }

    [Test]
    [Arguments("https://example.org", "https://example.org")]
    [Arguments("https://evil.example", "")]
    public async Task Cors_simple_request_gets_the_allowed_origin_only(string origin, string allowed)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { Headers = Cors() }, "/", request: r => r.Headers.Origin = origin);
        await Assert.That(h.Forwarded).IsTrue();
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Origin")).IsEqualTo(allowed);
        await Assert.That(h.ResponseHeader("Vary")).IsEqualTo("Origin");
    }
}
