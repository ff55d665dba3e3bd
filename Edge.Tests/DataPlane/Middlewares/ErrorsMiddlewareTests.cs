using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's errors middleware in process: caught statuses replaced by the page service's answer
/// (with the caught or rewritten status, {status}/{originalStatus}/{url} in the query), others
/// untouched; a page service that does not exist keeps the middleware out (fail closed).
/// </summary>
public class ErrorsMiddlewareTests
{
    private sealed class Page
    {
        public string? Target;
        public string? Method;
        public string? Header;
        public string? Service;
    }

    private static (HttpMiddleware Middleware, Page Page) Build(ErrorPageConfig config)
    {
        var page = new Page();
        var pages = new BackendService("default-mw-errorpage-service@kubernetescrd", new Service { LoadBalancer = ServersLoadBalancer.WithDefaults() });
        // The chain compiler qualifies the name with the middleware's provider before the lookup; here it comes as configured.
        var services = new MiddlewareServices(name => name == "default-mw-errorpage-service" ? pages : null, async r =>
        {
            page.Target = r.Path.Escaped + r.Context.Request.QueryString.Value;
            page.Method = r.Context.Request.Method;
            page.Header = r.Context.Request.Headers["X-Client"].ToString();
            page.Service = r.Service?.Name;
            r.Context.Response.StatusCode = 200;
            r.Context.Response.ContentType = "text/html";
            await r.Context.Response.WriteAsync("error page");
        });
        var m = MiddlewareBuilder.Create(new Middleware { Errors = config }, out var error, services) ?? throw new InvalidOperationException(error);
        return (m, page);
    }

    private static Task<MiddlewareHarness> Run(HttpMiddleware m, int backendStatus) =>
        new MiddlewareHarness.Chain(new[] { m }, async r =>
        {
            r.Context.Response.StatusCode = backendStatus;
            r.Context.Response.Headers["X-Backend"] = "1";
            await r.Context.Response.WriteAsync("backend body");
        }).RunAsync(path: "/some/path", request: req =>
        {
            req.Method = "POST";
            req.QueryString = new Microsoft.AspNetCore.Http.QueryString("?a=b");
            req.Headers["X-Client"] = "c";
        });

    [Test]
    [Arguments(new[] { "500-599" }, 502, true)]
    [Arguments(new[] { "500-599" }, 404, false)]
    [Arguments(new[] { "404,418,500-599" }, 418, true)]
    [Arguments(new[] { "404", "410" }, 410, true)]
    [Arguments(new[] { "400-499" }, 200, false)]
    public async Task A_status_in_the_ranges_is_replaced_by_the_page(string[] status, int backend, bool caught)
    {
        var (m, page) = Build(new ErrorPageConfig { Status = status.ToList(), Service = "default-mw-errorpage-service", Query = "/{status}.html" });
        var h = await Run(m, backend);
        await Assert.That(h.Status).IsEqualTo(backend);
        await Assert.That(h.Body).IsEqualTo(caught ? "error page" : "backend body");
        await Assert.That(h.ResponseHeader("X-Backend")).IsEqualTo(caught ? "" : "1");
        if (!caught) { await Assert.That(page.Target).IsNull(); return; }
        await Assert.That(page.Target).IsEqualTo($"/{backend}.html");
        await Assert.That(page.Method).IsEqualTo("GET");
        await Assert.That(page.Header).IsEqualTo("c").Because("all the client's headers go to the page service unless errorRequestHeaders lists some");
        await Assert.That(page.Service).IsEqualTo("default-mw-errorpage-service@kubernetescrd");
    }

    [Test]
    public async Task StatusRewrites_change_the_status_and_the_query_gets_both_and_the_url()
    {
        var (m, page) = Build(new ErrorPageConfig
        {
            Status = ["400-599"], Service = "default-mw-errorpage-service", Query = "errors/{status}?from={originalStatus}&u={url}",
            StatusRewrites = new() { ["410-418"] = 404, ["500-503"] = 500 },
        });
        var h = await Run(m, 418);
        await Assert.That(h.Status).IsEqualTo(404);
        await Assert.That(page.Target).IsEqualTo("/errors/404?from=418&u=http%3A%2F%2Fapp.example.com%2Fsome%2Fpath%3Fa%3Db");
    }

    [Test]
    public async Task ErrorRequestHeaders_limits_the_headers_sent_to_the_page()
    {
        var (m, page) = Build(new ErrorPageConfig { Status = ["500"], Service = "default-mw-errorpage-service", ErrorRequestHeaders = ["Accept"] });
        await Run(m, 500);
        await Assert.That(page.Header).IsEqualTo("");
        await Assert.That(page.Target).IsEqualTo("/");
    }

    [Test]
    [Arguments("nope", new[] { "500" }, "the service \"nope\" does not exist")]
    [Arguments("default-mw-errorpage-service", new[] { "5xx" }, "strconv.Atoi: parsing \"5xx\": invalid syntax")]
    public async Task A_missing_service_or_bad_range_is_refused(string service, string[] status, string error)
    {
        var services = new MiddlewareServices(_ => null, _ => Task.CompletedTask);
        var m = MiddlewareBuilder.Create(new Middleware { Errors = new ErrorPageConfig { Status = status.ToList(), Service = service } }, out var why, services);
        await Assert.That(m).IsNull();
        await Assert.That(why).IsEqualTo(error);
    }
}
