using Edge.Configuration;
using Edge.Observability.Tracing;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.Observability.Tracing;

/// <summary>Traefik's span attributes (pkg/observability/tracing): query redaction, captured headers, span status by code.</summary>
public class SpanAttributesTests
{
    private static HttpSpanAttributes With(string[]? safe = null, string[]? requestHeaders = null, string[]? responseHeaders = null) => new(new TracingOptions
    {
        SafeQueryParams = [.. safe ?? []], CapturedRequestHeaders = [.. requestHeaders ?? []], CapturedResponseHeaders = [.. responseHeaders ?? []],
    });

    [Test]
    [Arguments("", "", "")]
    [Arguments("?token=s3cret", "", "token=REDACTED")]
    [Arguments("?b=2&a=1", "a", "a=1&b=REDACTED")]                    // keys sorted as Go's Values.Encode
    [Arguments("?a=1&a=2&z=9", "a", "a=1&a=2&z=REDACTED")]             // a safe key keeps all its values
    [Arguments("?x=1&x=2", "", "x=REDACTED")]                         // a redacted key keeps one (Values.Set)
    [Arguments("?q=hello%20world&flag", "q,flag", "flag=&q=hello+world")]
    public async Task Query_values_are_redacted_unless_safe(string query, string safe, string expected)
    {
        var attrs = With(safe.Split(',', StringSplitOptions.RemoveEmptyEntries));
        await Assert.That(attrs.SafeQuery(query)).IsEqualTo(expected);
    }

    [Test]
    [Arguments(200, 2, 0)]      // server span: 2xx unset
    [Arguments(404, 2, 0)]      // server span: 4xx is the client's fault, not an error
    [Arguments(503, 2, 2)]
    [Arguments(404, 3, 2)]      // client span: 4xx is an error
    [Arguments(302, 3, 0)]
    [Arguments(700, 2, 2)]      // not an HTTP status
    public async Task The_span_status_follows_the_response_code_by_span_kind(int code, int kind, int status)
    {
        var span = new SpanRecord("GET", (SpanKind)kind, default, 0, 0);
        With().Response(span, new HeaderDictionary(), code, (SpanKind)kind);
        await Assert.That((int)span.Status).IsEqualTo(status);
        await Assert.That(span.Attributes.Single(a => a.Key == "http.response.status_code").Int).IsEqualTo(code);
        if (code >= 600) await Assert.That(span.StatusMessage).IsEqualTo("Invalid HTTP status code 700");
    }

    [Test]
    public async Task Captured_headers_become_lower_case_attributes_with_every_value()
    {
        var attrs = With(requestHeaders: ["X-Tenant", "User-Agent", "X-Absent"], responseHeaders: ["Content-Type"]);
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "GET";
        ctx.Request.Host = new HostString("app.example.com");
        ctx.Request.Headers["X-Tenant"] = new Microsoft.Extensions.Primitives.StringValues(["a", "b"]);
        ctx.Request.Headers.UserAgent = "curl/8";
        var span = new SpanRecord("GET", SpanKind.Server, default, 0, 0);
        attrs.ServerRequest(span, ctx);
        var tenant = span.Attributes.Single(a => a.Key == "http.request.header.x-tenant");
        await Assert.That(tenant.Strings!).IsEquivalentTo(new[] { "a", "b" });
        // User-Agent is a semantic-convention attribute already; it is not captured twice.
        await Assert.That(span.Attributes.Any(a => a.Key == "http.request.header.user-agent")).IsFalse();
        await Assert.That(span.Get("user_agent.original")).IsEqualTo("curl/8");
        await Assert.That(span.Attributes.Any(a => a.Key == "http.request.header.x-absent")).IsFalse();
        var headers = new HeaderDictionary { ["Content-Type"] = "text/html" };
        attrs.Response(span, headers, 200, SpanKind.Server);
        await Assert.That(span.Attributes.Single(a => a.Key == "http.response.header.content-type").Strings!).IsEquivalentTo(new[] { "text/html" });
    }
}
