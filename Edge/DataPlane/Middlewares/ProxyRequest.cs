using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Routing.Requests;
using Edge.Observability;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// One request on its way through a router's middleware chain to the forwarder. The path is the
/// request's one path (see <see cref="RequestPath"/>); a middleware that rewrites it replaces it
/// here, and the forwarder sends what the last middleware left.
/// </summary>
public sealed class ProxyRequest(HttpContext context, RequestPath path)
{
    public HttpContext Context { get; } = context;
    public RequestPath Path { get; set; } = path;

    // What the forwarder at the end of the chain needs; set by the data plane.
    public EntryPointOptions? EntryPoint { get; init; }
    public BackendService? Service { get; init; }
    public ObservedRequest? Observed { get; init; }
    /// <summary>The entry point's forwardedHeaders policy: whether the client's X-Forwarded-* may be believed.</summary>
    public ForwardedHeaders? Forwarded { get; init; }

    public bool ForwardedHeadersTrusted => Forwarded?.IsTrusted(Context.Connection.RemoteIpAddress) == true;
}

/// <summary>A step of a compiled chain: handles the request, usually by calling the next step.</summary>
public delegate Task ProxyHandler(ProxyRequest request);

/// <summary>One configured middleware, compiled once per configuration; wraps the rest of the chain.</summary>
public abstract class HttpMiddleware
{
    public abstract ProxyHandler Wrap(ProxyHandler next);

    /// <summary>Writes a short plain-text answer, as Traefik's http.Error does.</summary>
    protected static Task Answer(HttpContext ctx, int status, string? body = null)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        return ctx.Response.WriteAsync((body ?? ReasonPhrases.Of(status)) + "\n");
    }
}

internal static class ReasonPhrases
{
    public static string Of(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
