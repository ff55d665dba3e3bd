using System.Text;
using Edge.Configuration;
using Microsoft.AspNetCore.Http;

namespace Edge.Observability.Tracing;

/// <summary>
/// The attributes Traefik puts on its HTTP spans (pkg/observability/tracing: CaptureServerRequest,
/// CaptureClientRequest, CaptureResponse), OpenTelemetry's HTTP semantic conventions: query values
/// redacted unless listed in <c>safeQueryParams</c>, the configured headers captured, and the span
/// status from the response code (5xx is an error for a server span, 4xx too for a client span).
/// </summary>
internal sealed class HttpSpanAttributes(TracingOptions options)
{
    private readonly string[] _requestHeaders = [.. options.CapturedRequestHeaders.Where(h => !h.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))];
    private readonly string[] _responseHeaders = [.. options.CapturedResponseHeaders];
    private readonly HashSet<string> _safeQuery = new(options.SafeQueryParams, StringComparer.Ordinal);

    public void ServerRequest(SpanRecord span, HttpContext ctx)
    {
        var r = ctx.Request;
        span.Set("http.request.method", r.Method)
            .Set("network.protocol.version", ProtocolVersion(r.Protocol))
            .Set("http.request.body.size", r.ContentLength ?? (HttpMethods.IsGet(r.Method) || HttpMethods.IsHead(r.Method) ? 0 : -1))
            .Set("url.path", r.Path.Value ?? "/")
            .Set("url.query", SafeQuery(r.QueryString.Value))
            .Set("url.scheme", r.Headers["X-Forwarded-Proto"].ToString() is { Length: > 0 } xfp ? xfp : r.Scheme)
            .Set("user_agent.original", r.Headers.UserAgent.ToString())
            .Set("server.address", r.Host.Value ?? "");
        var c = ctx.Connection;
        var address = c.RemoteIpAddress?.ToString() ?? "";
        span.Set("network.peer.address", address).Set("client.address", address)
            .Set("client.port", c.RemotePort).Set("network.peer.port", c.RemotePort);
        CaptureRequestHeaders(span, r.Headers);
    }

    public void ClientRequest(SpanRecord span, HttpContext ctx, string serverUrl, bool h2c)
    {
        var r = ctx.Request;
        var url = new Uri(serverUrl);
        span.Set("http.request.method", r.Method)
            .Set("network.protocol.version", h2c ? "2" : "1.1");
        var full = new StringBuilder(serverUrl.TrimEnd('/')).Append(r.Path.Value);
        if (SafeQuery(r.QueryString.Value) is { Length: > 0 } q) full.Append('?').Append(q);
        span.Set("url.full", full.ToString()).Set("url.scheme", url.Scheme)
            .Set("user_agent.original", r.Headers.UserAgent.ToString())
            .Set("network.peer.address", url.Host).Set("network.peer.port", url.Port)
            .Set("server.address", url.Host).Set("server.port", url.Port);
        CaptureRequestHeaders(span, r.Headers);
    }

    public void Response(SpanRecord span, IHeaderDictionary headers, int code, SpanKind kind)
    {
        if (code < 100 || code >= 600) { span.Status = SpanStatus.Error; span.StatusMessage = $"Invalid HTTP status code {code}"; }
        else if (code >= 500 || (kind == SpanKind.Client && code >= 400)) span.Status = SpanStatus.Error;
        if (code > 0) span.Set("http.response.status_code", code);
        foreach (var h in _responseHeaders)
            if (headers.TryGetValue(h, out var v) && v.Count > 0) span.Set("http.response.header." + h.ToLowerInvariant(), v.ToArray()!);
    }

    private void CaptureRequestHeaders(SpanRecord span, IHeaderDictionary headers)
    {
        foreach (var h in _requestHeaders)
            if (headers.TryGetValue(h, out var v) && v.Count > 0) span.Set("http.request.header." + h.ToLowerInvariant(), v.ToArray()!);
    }

    private static string ProtocolVersion(string protocol) => protocol switch
    {
        "HTTP/1.0" => "1.0", "HTTP/1.1" => "1.1", "HTTP/2" => "2", "HTTP/3" => "3", _ => protocol,
    };

    /// <summary>
    /// Traefik's safeURL for the query: every value REDACTED except those of safe parameters, then
    /// re-encoded as Go's url.Values.Encode does (keys sorted, query-escaped).
    /// </summary>
    public string SafeQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?") return "";
        var pairs = new List<(string Key, string Value)>();
        foreach (var part in query.TrimStart('?').Split('&'))
        {
            if (part.Length == 0) continue;
            int eq = part.IndexOf('=');
            var key = Unescape(eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? "" : Unescape(part[(eq + 1)..]);
            pairs.Add((key, _safeQuery.Contains(key) ? value : "REDACTED"));
        }
        // Go's Query().Set(k, "REDACTED") keeps one value for a redacted key.
        var sb = new StringBuilder();
        foreach (var group in pairs.GroupBy(p => p.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var values = _safeQuery.Contains(group.Key) ? group.Select(p => p.Value) : ["REDACTED"];
            foreach (var v in values)
            {
                if (sb.Length > 0) sb.Append('&');
                sb.Append(Escape(group.Key)).Append('=').Append(Escape(v));
            }
        }
        return sb.ToString();
    }

    private static string Unescape(string s)
    {
        try { return Uri.UnescapeDataString(s.Replace('+', ' ')); }
        catch (UriFormatException) { return s; }
    }

    /// <summary>Go's url.QueryEscape: unreserved characters kept, space as '+', the rest percent-encoded.</summary>
    private static string Escape(string s) => Uri.EscapeDataString(s).Replace("%20", "+");
}
