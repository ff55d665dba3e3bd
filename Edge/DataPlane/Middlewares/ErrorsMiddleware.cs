using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Routing.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>What a middleware that forwards to another service gets from the data plane at compile time.</summary>
/// <param name="Lookup">A service by name, as the middleware's provider names it (qualified here); null when it does not exist.</param>
/// <param name="Forward">The forwarder step, which sends a request to the service it carries.</param>
public sealed record MiddlewareServices(Func<string, BackendService?> Lookup, ProxyHandler Forward);

/// <summary>
/// Traefik's errors middleware (customerrors): a response whose status is in the ranges is not
/// sent; instead the error page service is asked for <c>query</c> (GET, the client's headers or
/// only errorRequestHeaders, the client's Host) with {status}, {originalStatus} and {url} filled,
/// and its page is sent with the (rewritten) status.
/// </summary>
internal sealed class ErrorsMiddleware(HttpStatusRanges ranges, IReadOnlyList<(HttpStatusRanges From, int To)> rewrites,
    BackendService service, ProxyHandler forward, string query, IReadOnlyList<string>? requestHeaders) : HttpMiddleware
{
    public override ProxyHandler Wrap(ProxyHandler next) => async r =>
    {
        var ctx = r.Context;
        var original = ctx.Features.Get<IHttpResponseBodyFeature>()!;
        // Headers set before this middleware (outer middlewares) survive; the caught response's do not.
        var before = ctx.Response.Headers.Count == 0 ? null : ctx.Response.Headers.ToList();
        var catcher = new StatusCatchingBody(ctx, original, ranges, null);
        ctx.Features.Set<IHttpResponseBodyFeature>(catcher);
        try
        {
            await next(r);
            await catcher.FinishAsync();
        }
        finally
        {
            ctx.Features.Set(original);
        }
        if (!catcher.Caught || ctx.Response.HasStarted) return;
        int originalCode = catcher.CaughtStatus, code = originalCode;
        foreach (var (from, to) in rewrites)
            if (from.Contains(code)) { code = to; break; }
        await ServePageAsync(r, original, before, code, originalCode);
    };

    private async Task ServePageAsync(ProxyRequest r, IHttpResponseBodyFeature original, List<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>? before, int code, int originalCode)
    {
        var ctx = r.Context;
        var req = ctx.Request;
        var url = $"{(req.IsHttps ? "https" : "http")}://{req.Host.Value}{r.Path.Escaped}{req.QueryString.Value}";
        var target = "/";
        if (query.Length > 0)
            target = ("/" + query.TrimStart('/')).Replace("{status}", code.ToString()).Replace("{originalStatus}", originalCode.ToString())
                .Replace("{url}", Uri.EscapeDataString(url).Replace("%20", "+"));   // Go's url.QueryEscape
        int q = target.IndexOf('?');
        var pathPart = q < 0 ? target : target[..q];
        var pagePath = RequestPath.Normalize(pathPart, DeniedEncodings.None, false, out _);
        if (pagePath is null)
        {
            await Answer(ctx, code, ReasonPhrases.Of(code));
            return;
        }

        // The page request: GET, no body, the page's target, the client's headers (or only those listed).
        ctx.Response.Headers.Clear();
        foreach (var (name, value) in before ?? []) ctx.Response.Headers[name] = value;
        ctx.Response.StatusCode = code;
        req.Method = HttpMethods.Get;
        req.Path = PathString.FromUriComponent(pathPart);
        req.QueryString = q < 0 ? QueryString.Empty : new QueryString(target[q..]);
        if (ctx.Features.Get<IHttpRequestFeature>() is { } feature) feature.RawTarget = target;
        ctx.Features.Set<IHttpRequestBodyDetectionFeature>(NoBody.Instance);
        req.ContentLength = null;
        req.Headers.Remove("Transfer-Encoding");
        if (requestHeaders is not null)
            foreach (var name in req.Headers.Keys.ToList())
                if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !requestHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
                    req.Headers.Remove(name);
        var modifier = new StatusCatchingBody(ctx, original, null, code);
        ctx.Features.Set<IHttpResponseBodyFeature>(modifier);
        try
        {
            await forward(new ProxyRequest(ctx, pagePath) { EntryPoint = r.EntryPoint, Service = service, Forwarded = r.Forwarded });
            await modifier.FinishAsync();
        }
        finally
        {
            ctx.Features.Set(original);
        }
        if (!ctx.Response.HasStarted) ctx.Response.StatusCode = code;
    }

    private sealed class NoBody : IHttpRequestBodyDetectionFeature
    {
        public static readonly NoBody Instance = new();
        public bool CanHaveBody => false;
    }
}
