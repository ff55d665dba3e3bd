using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// The headers of the request forwardAuth sends to the auth server, exactly as Traefik builds
/// them: first the request as Traefik's middlewares see it (the entry point's forwardedHeaders
/// has removed an untrusted client's X-Forwarded-* and set X-Real-Ip, X-Forwarded-Proto, -Port,
/// -Host, -Server), then forward.go's writeHeader (trustForwardHeader set) or oldWriteHeader (unset).
/// </summary>
internal static class ForwardAuthRequest
{
    /// <summary>forwardedheaders.XHeadersSet: what an untrusted client may not send, and what trustForwardHeader=false removes.</summary>
    internal static readonly string[] ManagedXHeaders =
    [
        "X-Forwarded-Proto", "X-Forwarded-Scheme", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Server",
        "X-Forwarded-Uri", "X-Forwarded-Method", "X-Forwarded-Prefix", "X-Forwarded-Tls-Client-Cert", "X-Forwarded-Tls-Client-Cert-Info",
        "X-Scheme", "X-Real-Ip",
    ];

    private static readonly string[] HopHeaders = ["Connection", "Keep-Alive", "Te", "Trailers", "Transfer-Encoding", "Upgrade"];
    private static readonly string ServerName = Environment.MachineName;

    /// <summary>Header names compared as Go's textproto canonicalises them (and "_" as "-", for the managed set).</summary>
    private static bool IsManaged(string name)
    {
        var dashed = name.Replace('_', '-');
        foreach (var h in ManagedXHeaders) if (h.Equals(dashed, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public static Dictionary<string, List<string>> Build(ProxyRequest r, bool? trustForwardHeader, IReadOnlyList<string> allowed)
    {
        var ctx = r.Context;
        var req = ctx.Request;
        var remote = ctx.Connection.RemoteIpAddress;
        if (remote is { IsIPv4MappedToIPv6: true }) remote = remote.MapToIPv4();
        var clientIp = remote?.ToString() ?? "";
        bool tls = req.IsHttps;
        var host = req.Host.Value ?? "";

        // The request as Traefik's entry point hands it to the middlewares.
        var h = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in req.Headers)
        {
            if (name.Length == 0 || name[0] == ':' || name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (!r.ForwardedHeadersTrusted && IsManaged(name)) continue;
            h[Canonical(name)] = values.Where(v => v is not null).Select(v => v!).ToList();
        }
        string? Get(string name) => h.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;
        void Set(string name, string value) => h[name] = [value];
        if (string.IsNullOrEmpty(Get("X-Real-Ip")) && clientIp.Length > 0) Set("X-Real-Ip", clientIp);
        if (string.IsNullOrEmpty(Get("X-Forwarded-Proto")))
            Set("X-Forwarded-Proto", IsWebSocket(req) ? (tls ? "wss" : "ws") : (tls ? "https" : "http"));
        if (string.IsNullOrEmpty(Get("X-Forwarded-Port"))) Set("X-Forwarded-Port", Port(req, Get("X-Forwarded-Proto")));
        if (string.IsNullOrEmpty(Get("X-Forwarded-Host")) && host.Length > 0) Set("X-Forwarded-Host", host);
        if (h.TryGetValue("X-Forwarded-For", out var xffs) && xffs.Count > 0) Set("X-Forwarded-For", string.Join(", ", xffs));
        Set("X-Forwarded-Server", ServerName);

        // forward.go: copy, drop hop-by-hop headers, filter, then its own X-Forwarded-*.
        RemoveConnectionHeaders(h);
        foreach (var hop in HopHeaders) h.Remove(hop);
        if (trustForwardHeader == false) foreach (var name in h.Keys.Where(IsManaged).ToList()) h.Remove(name);
        if (allowed.Count > 0)
        {
            var filtered = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in allowed)
                if (h.TryGetValue(name, out var v) && v.Count > 0) filtered[Canonical(name)] = v;
            h = filtered;
        }
        var uri = r.Path.Escaped + req.QueryString.Value;
        if (trustForwardHeader is null)
        {
            if (clientIp.Length > 0) Set("X-Forwarded-For", clientIp);
            Set("X-Forwarded-Proto", tls ? "https" : "http");
            Set("X-Forwarded-Method", req.Method);
            Set("X-Forwarded-Host", host);
            Set("X-Forwarded-Uri", uri);
            return h;
        }
        if (clientIp.Length > 0)
            Set("X-Forwarded-For", h.TryGetValue("X-Forwarded-For", out var prior) && prior.Count > 0 ? string.Join(", ", prior) + ", " + clientIp : clientIp);
        if (!h.ContainsKey("X-Forwarded-Method")) Set("X-Forwarded-Method", req.Method);
        if (!h.ContainsKey("X-Forwarded-Proto")) Set("X-Forwarded-Proto", tls ? "https" : "http");
        if (!h.ContainsKey("X-Forwarded-Port")) Set("X-Forwarded-Port", Port(req, Get("X-Forwarded-Proto")));
        if (!h.ContainsKey("X-Forwarded-Host")) Set("X-Forwarded-Host", host);
        if (!h.ContainsKey("X-Forwarded-Uri")) Set("X-Forwarded-Uri", uri);
        return h;
    }

    /// <summary>Traefik's forwardedPort: the Host's port, else 443 for https/wss or TLS, else 80.</summary>
    private static string Port(HttpRequest req, string? proto)
    {
        if (req.Host.Port is { } p) return p.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return proto is "https" or "wss" || req.IsHttps ? "443" : "80";
    }

    private static bool IsWebSocket(HttpRequest req)
    {
        static bool Has(StringValues v, string token) =>
            v.ToString().Split(',').Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));
        return Has(req.Headers.Connection, "upgrade") && Has(req.Headers.Upgrade, "websocket");
    }

    private static void RemoveConnectionHeaders(Dictionary<string, List<string>> h)
    {
        if (!h.TryGetValue("Connection", out var connection)) return;
        foreach (var v in connection)
            foreach (var token in v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (!token.Equals("Connection", StringComparison.OrdinalIgnoreCase)) h.Remove(token);
    }

    /// <summary>Go's CanonicalHeaderKey: upper case first letter and after each '-', lower case elsewhere (names with other characters kept).</summary>
    public static string Canonical(string name)
    {
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c))) return name;
        var sb = new StringBuilder(name.Length);
        bool upper = true;
        foreach (var c in name)
        {
            sb.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            upper = c == '-';
        }
        return sb.ToString();
    }
}
