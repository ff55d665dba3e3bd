using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.Routing;

/// <summary>Builds a <see cref="RouteRequest"/> from Kestrel's HttpContext without copying.</summary>
public static class HttpContextRouteRequest
{
    /// <summary>
    /// Returns false when the raw path has invalid percent-escapes (Traefik answers 400).
    /// </summary>
    public static bool TryCreate(HttpContext context, out RouteRequest request)
    {
        HttpRequest req = context.Request;
        string? path = RoutingPathOf(context);
        if (path is null)
        {
            request = default;
            return false;
        }

        request = new RouteRequest(
            host: req.Host.Value ?? "",
            path: path,
            method: req.Method,
            query: req.QueryString.Value,
            headers: req.Headers,
            clientIp: context.Connection.RemoteIpAddress,
            isTls: req.IsHttps);
        return true;
    }

    /// <summary>
    /// Kestrel's Request.Path is fully decoded (but dot-segment normalised, like Traefik's
    /// sanitizePath). Without any '%' in the raw target it already equals Traefik's routing path
    /// and costs nothing; otherwise the routing path is rebuilt from the raw target.
    /// </summary>
    private static string? RoutingPathOf(HttpContext context)
    {
        HttpRequest req = context.Request;
        string? raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        string decoded = req.PathBase.HasValue ? req.PathBase.Add(req.Path).Value ?? "/" : req.Path.Value ?? "/";
        if (string.IsNullOrEmpty(raw) || raw[0] != '/' || raw.IndexOf('%') < 0)
        {
            return decoded;
        }

        ReadOnlySpan<char> rawPath = raw;
        int q = rawPath.IndexOfAny('?', '#');
        var routing = RoutingPath.FromEscaped(q < 0 ? rawPath : rawPath[..q]);
        return routing is null ? null : RoutingPath.RemoveDotSegments(routing);
    }
}
