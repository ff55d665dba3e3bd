using System.Text;
using Edge.DataPlane.Middlewares;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's contentType middleware (pkg/middlewares/contenttype and its tests): without it a
/// response without Content-Type stays without; with it (autoDetect unset or true) Go sniffs one
/// from the body; autoDetect false does nothing.
/// </summary>
public class ContentTypeMiddlewareTests
{
    private static Func<ProxyRequest, Task> Backend(string body, string? contentType = null, int status = 200, string? encoding = null) => async r =>
    {
        var response = r.Context.Response;
        response.StatusCode = status;
        if (contentType is not null) response.Headers.ContentType = contentType;
        if (encoding is not null) response.Headers.ContentEncoding = encoding;
        if (body.Length > 0) await response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
    };

    public static IEnumerable<(bool? AutoDetect, string Body, string? BackendType, int Status, string? Encoding, string Expected)> Cases()
    {
        // autoDetect unset: the middleware's purpose, sniffing.
        yield return (null, "<html><body>hi</body></html>", null, 200, null, "text/html; charset=utf-8");
        yield return (null, "plain words", null, 200, null, "text/plain; charset=utf-8");
        yield return (null, "%PDF-1.7 ...", null, 200, null, "application/pdf");
        yield return (true, "<?xml version=\"1.0\"?><a/>", null, 200, null, "text/xml; charset=utf-8");
        // What the backend set is kept.
        yield return (null, "<html></html>", "application/json", 200, null, "application/json");
        // net/http does not sniff an encoded body, an empty one, or a status without a body.
        yield return (null, "\x1f\x8b rest", null, 200, "gzip", "");
        yield return (null, "", null, 200, null, "");
        yield return (null, "<html></html>", null, 204, null, "");
        yield return (null, "<html></html>", null, 304, null, "");
        // autoDetect false: Traefik returns next, the default (no sniffing).
        yield return (false, "<html><body>hi</body></html>", null, 200, null, "");
    }

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task The_Content_Type_is_sniffed_as_Go_does_only_when_the_backend_set_none(
        bool? autoDetect, string body, string? backendType, int status, string? encoding, string expected)
    {
        var chain = new MiddlewareHarness.Chain(new Middleware { ContentType = new ContentTypeConfig { AutoDetect = autoDetect } },
            Backend(body, backendType, status, encoding));
        var h = await chain.RunAsync();
        await Assert.That(h.ResponseHeader("Content-Type")).IsEqualTo(expected);
        await Assert.That(h.Body).IsEqualTo(body).Because("the body passes unchanged");
    }

    [Test]
    public async Task Without_the_middleware_no_Content_Type_is_invented()
    {
        var chain = new MiddlewareHarness.Chain([], Backend("<html><body>hi</body></html>"));
        var h = await chain.RunAsync();
        await Assert.That(h.ResponseHeader("Content-Type")).IsEqualTo("");
    }

    [Test]
    public async Task The_first_write_is_sniffed_and_later_ones_pass_through()
    {
        var chain = new MiddlewareHarness.Chain(new Middleware { ContentType = new ContentTypeConfig() }, async r =>
        {
            await r.Context.Response.Body.WriteAsync("<html>"u8.ToArray());
            await r.Context.Response.Body.WriteAsync("\x00\x01 binary later"u8.ToArray());
        });
        var h = await chain.RunAsync();
        await Assert.That(h.ResponseHeader("Content-Type")).IsEqualTo("text/html; charset=utf-8");
        await Assert.That(h.Body).IsEqualTo("<html>\x00\x01 binary later");
    }
}
