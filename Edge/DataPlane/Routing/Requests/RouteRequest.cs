using System.Net;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Routing.Requests;

/// <summary>
/// The parts of a request that Traefik's rule matchers look at, detached from Kestrel so that the
/// route table can be tested and benchmarked without a server. Every member is a reference the
/// server already holds (no copies), so building one per request costs nothing on the heap.
/// </summary>
public readonly struct RouteRequest
{
    // Null-coalesced on read so that default(RouteRequest) is a valid (empty) request.
    private readonly string? _host;
    private readonly string? _path;
    private readonly string? _method;
    private readonly string? _query;

    public RouteRequest(
        string host,
        string path,
        string method = "GET",
        string? query = null,
        IHeaderDictionary? headers = null,
        IPAddress? clientIp = null,
        bool isTls = false)
    {
        _host = host;
        _path = path;
        _method = method;
        _query = query;
        Headers = headers;
        ClientIp = clientIp;
        IsTls = isTls;
    }

    /// <summary>Raw Host header (or :authority), port included; see <see cref="CanonicalHost"/>.</summary>
    public string Host => _host ?? "";

    /// <summary>
    /// Traefik's "routing path": the escaped path with non-reserved percent-escapes decoded
    /// (see <see cref="RoutingPath"/>).
    /// </summary>
    public string Path => _path ?? "";

    public string Method => _method ?? "";

    /// <summary>Raw (still escaped) query string, with or without the leading '?'.</summary>
    public string Query => _query ?? "";

    public IHeaderDictionary? Headers { get; }

    /// <summary>The peer address (Traefik's ClientIP uses RemoteAddr, not X-Forwarded-For).</summary>
    public IPAddress? ClientIp { get; }

    public bool IsTls { get; }

    /// <summary>Host without port or brackets, trimmed; not lower-cased (comparisons ignore case).</summary>
    public ReadOnlySpan<char> CanonicalHost => RequestHost.Canonical(Host);

    /// <summary>The query without its leading '?'.</summary>
    internal ReadOnlySpan<char> RawQuery
    {
        get
        {
            ReadOnlySpan<char> q = Query;
            return q.Length > 0 && q[0] == '?' ? q[1..] : q;
        }
    }
}
