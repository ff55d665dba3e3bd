using Edge.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Routing.Requests;

/// <summary>Builds a <see cref="RouteRequest"/> from Kestrel's HttpContext without copying.</summary>
public static class HttpContextRouteRequest
{
    /// <summary>
    /// The request's one path (see <see cref="RequestPath"/>), from the raw target rather than
    /// Kestrel's decoded Path, so that what is routed is exactly what is forwarded. Null (with a
    /// reason) when the request must be answered 400.
    /// </summary>
    public static RequestPath? PathOf(HttpContext context, DeniedEncodings denied, bool sanitize, out string? reason)
    {
        HttpRequest req = context.Request;
        string? raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        string kestrelPath = req.PathBase.HasValue ? req.PathBase.Add(req.Path).Value ?? "/" : req.Path.Value ?? "/";
        if (string.IsNullOrEmpty(raw) || raw == "*")
            return RequestPath.Normalize(kestrelPath, denied, sanitize, out reason, kestrelPath);
        int start = 0;
        if (raw[0] != '/')
        {
            // Absolute form ("GET http://host/path"): the path starts after the authority.
            int scheme = raw.IndexOf("://", StringComparison.Ordinal);
            int slash = scheme < 0 ? -1 : raw.IndexOf('/', scheme + 3);
            if (slash < 0) return RequestPath.Normalize("/", denied, sanitize, out reason);
            start = slash;
        }
        int end = raw.IndexOf('?', start);
        string rawPath = start == 0 && end < 0 ? raw : raw[start..(end < 0 ? raw.Length : end)];
        return RequestPath.Normalize(rawPath, denied, sanitize, out reason, kestrelPath);
    }

    /// <summary>Builds the matcher view of a request whose path was normalised already.</summary>
    public static RouteRequest Create(HttpContext context, RequestPath path)
    {
        HttpRequest req = context.Request;
        return new RouteRequest(
            host: req.Host.Value ?? "",
            path: path.Routing,
            method: req.Method,
            query: req.QueryString.Value,
            headers: req.Headers,
            clientIp: context.Connection.RemoteIpAddress,
            isTls: req.IsHttps);
    }

    /// <summary>
    /// With Traefik's default path rules (nothing denied, sanitized); false when the request must be answered 400.
    /// </summary>
    public static bool TryCreate(HttpContext context, out RouteRequest request)
    {
        var path = PathOf(context, DeniedEncodings.None, sanitize: true, out _);
        request = path is null ? default : Create(context, path);
        return path is not null;
    }
}
