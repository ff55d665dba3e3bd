using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane;

/// <summary>The data plane's own answers: Traefik's 404 text, the entry point redirection, and the tenancy gate's refusals.</summary>
internal static class DataPlaneAnswers
{
    public static Task Refuse(HttpContext ctx, NamespaceGate.Verdict verdict)
    {
        bool rate = verdict == NamespaceGate.Verdict.RateLimited;
        ctx.Response.StatusCode = rate ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
        ctx.Response.Headers.RetryAfter = "1";
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        return ctx.Response.WriteAsync(rate ? "Too Many Requests\n" : "Service Unavailable: too many requests in flight\n");
    }

    public static void Redirect(StaticConfig config, HttpContext ctx, EntryPointOptions ep)
    {
        var port = "";
        if (config.EntryPoints.TryGetValue(ep.RedirectTo, out var target))
        {
            var p = EntryPointAddress.Parse(target.Name, target.Address).Port;
            var defaultPort = ep.RedirectScheme == "https" ? 443 : 80;
            if (p != defaultPort) port = ":" + p;
        }
        var host = ctx.Request.Host.Host;
        if (host.Contains(':')) host = "[" + host + "]";
        var location = $"{ep.RedirectScheme}://{host}{port}{ctx.Request.PathBase}{ctx.Request.Path}{ctx.Request.QueryString}";
        bool safe = HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method);
        // Traefik: permanent => 301 (308 for non-GET), else 302 (307 for non-GET).
        ctx.Response.StatusCode = ep.RedirectPermanent ? (safe ? 301 : 308) : (safe ? 302 : 307);
        ctx.Response.Headers.Location = location;
    }

    public static Task NotFound(HttpContext ctx)
    {
        ctx.Response.StatusCode = StatusCodes.Status404NotFound;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        return ctx.Response.WriteAsync("404 page not found\n");
    }
}
