using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's redirectRegex and redirectScheme: the request's URL (scheme from TLS, or for
/// redirectScheme a valid X-Forwarded-Proto) is rewritten by a regex; a different URL is answered
/// with a redirect (302/307, permanent 301/308: 30x for GET, 307/308 otherwise), the same URL goes on.
/// </summary>
internal sealed partial class RedirectMiddleware(Regex regex, string replacement, bool permanent, bool schemeMode) : HttpMiddleware
{
    [GeneratedRegex(@"^(https?:\/\/)?(\[[\w:.]+\]|[\w\._-]+)?(:\d+)?(.*)$", RegexOptions.CultureInvariant)]
    internal static partial Regex UriPattern();

    /// <summary>redirectScheme as Traefik builds it: a redirectRegex over the client's URL.</summary>
    public static RedirectMiddleware ForScheme(string scheme, string? port, bool permanent)
    {
        var p = string.IsNullOrEmpty(port) || (scheme == "http" && port == "80") || (scheme == "https" && port == "443") ? "" : ":" + port;
        return new RedirectMiddleware(UriPattern(), scheme + "://${2}" + p + "${4}", permanent, schemeMode: true);
    }

    private readonly int[] _order = GoReplacement.GoGroupOrder(regex);

    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        var old = ClientUrl(r, schemeMode);
        var m = regex.Match(old);
        if (!m.Success) return next(r);
        var rewritten = GoReplacement.ReplaceAll(regex, _order, old, replacement);
        if (rewritten == old) return next(r);
        if (!Uri.TryCreate(rewritten, UriKind.RelativeOrAbsolute, out _))
            return Answer(r.Context, StatusCodes.Status500InternalServerError);
        var ctx = r.Context;
        bool get = HttpMethods.IsGet(ctx.Request.Method);
        int status = permanent ? (get ? 301 : 308) : (get ? 302 : 307);
        ctx.Response.StatusCode = status;
        ctx.Response.Headers.Location = rewritten;
        return ctx.Response.WriteAsync(ReasonPhrases.Of(status));
    };

    /// <summary>Traefik's rawURL / clientRequestURL: scheme://host[:port] + the request URI (the rewritten path).</summary>
    private static string ClientUrl(ProxyRequest r, bool schemeMode)
    {
        var req = r.Context.Request;
        var scheme = req.IsHttps ? "https" : "http";
        var host = req.Host.Host;
        if (host.Contains(':') && !host.StartsWith('[')) host = "[" + host + "]";
        var port = req.Host.Port is { } p ? ":" + p : "";
        // X-Forwarded-Proto only counts from a source the entry point trusts (Traefik strips it otherwise).
        if (schemeMode && r.ForwardedHeadersTrusted)
        {
            var proto = req.Headers["X-Forwarded-Proto"].ToString();
            // An upgrade's X-Forwarded-Proto may say ws/wss; this middleware only speaks http(s).
            if (proto.Equals("http", StringComparison.OrdinalIgnoreCase) || proto.Equals("ws", StringComparison.OrdinalIgnoreCase)) scheme = "http";
            else if (proto.Equals("https", StringComparison.OrdinalIgnoreCase) || proto.Equals("wss", StringComparison.OrdinalIgnoreCase)) scheme = "https";
        }
        if (schemeMode && ((scheme == "http" && port == ":80") || (scheme == "https" && port == ":443"))) port = "";
        return scheme + "://" + host + port + r.Path.Escaped + req.QueryString.Value;
    }
}
