using System.Net;
using Edge.DataPlane.Routing;
using Edge.Model;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's sourceCriterion (middlewares.GetSourceExtractor): the key that groups requests as one
/// source for rateLimit and inFlightReq. ipStrategy gives the connection's address, or with
/// <c>depth</c> / <c>excludedIPs</c> an X-Forwarded-For entry counted from the right (read only from
/// a source the entry point trusts, as Traefik strips it from any other); <c>requestHeaderName</c>
/// the header's first value; <c>requestHost</c> the Host (with its port, as Go's req.Host).
/// </summary>
internal sealed class RequestSource
{
    private enum Kind { Remote, Depth, Pool, Header, Host }

    private readonly Kind _kind;
    private readonly int _depth;
    private readonly IReadOnlyList<IpPrefix> _excluded = [];
    private readonly string _header = "";

    private RequestSource(Kind kind, int depth = 0, IReadOnlyList<IpPrefix>? excluded = null, string header = "")
    {
        _kind = kind;
        _depth = depth;
        _excluded = excluded ?? [];
        _header = header;
    }

    /// <summary>
    /// Builds the extractor, or gives Traefik's error. With no criterion set, <paramref name="hostByDefault"/>
    /// picks inFlightReq's default (the request host) over rateLimit's (the client IP).
    /// </summary>
    public static RequestSource? Create(SourceCriterionConfig? c, bool hostByDefault, out string? error)
    {
        error = null;
        var ip = c?.IpStrategy;
        var header = c?.RequestHeaderName ?? "";
        var host = c?.RequestHost == true;
        if (ip is not null && header.Length > 0) return Fail("iPStrategy and RequestHeaderName are mutually exclusive", out error);
        if (ip is not null && host) return Fail("iPStrategy and RequestHost are mutually exclusive", out error);
        if (header.Length > 0 && host) return Fail("requestHost and RequestHeaderName are mutually exclusive", out error);
        if (ip is null && header.Length == 0 && !host) return new RequestSource(hostByDefault ? Kind.Host : Kind.Remote);
        if (header.Length > 0) return new RequestSource(Kind.Header, header: header);
        if (host) return new RequestSource(Kind.Host);
        if (ip!.Depth is > 0 and var depth) return new RequestSource(Kind.Depth, depth: depth);
        if (ip.ExcludedIps is { Count: > 0 } list)
        {
            var excluded = new List<IpPrefix>();
            foreach (var s in list)
            {
                if (!IpPrefix.TryParse(s.Trim(), out var p, out var why)) return Fail($"parsing CIDR trusted IPs {s}: {why}", out error);
                excluded.Add(p);
            }
            return new RequestSource(Kind.Pool, excluded: excluded);
        }
        return new RequestSource(Kind.Remote);
    }

    private static RequestSource? Fail(string why, out string? error)
    {
        error = why;
        return null;
    }

    public string Of(ProxyRequest r)
    {
        var request = r.Context.Request;
        switch (_kind)
        {
            case Kind.Header:
                return request.Headers.TryGetValue(_header, out var v) && v.Count > 0 ? v[0] ?? "" : "";
            case Kind.Host:
                return request.Host.Value ?? "";
            case Kind.Remote:
                var remote = r.Context.Connection.RemoteIpAddress;
                if (remote is { IsIPv4MappedToIPv6: true }) remote = remote.MapToIPv4();
                return remote?.ToString() ?? "";
        }
        var xff = r.ForwardedHeadersTrusted ? request.Headers["X-Forwarded-For"].ToString() : "";
        var parts = xff.Split(',');
        if (_kind == Kind.Depth)
            return parts.Length < _depth ? "" : parts[^_depth].Trim();
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            var candidate = parts[i].Trim();
            if (candidate.Length == 0) continue;
            // Traefik's PoolStrategy: an entry that is not an address cannot be excluded, so it is the source.
            if (!IPAddress.TryParse(candidate, out var address) || !Excluded(address)) return candidate;
        }
        return "";
    }

    private bool Excluded(IPAddress address)
    {
        foreach (var e in _excluded) if (e.Contains(address)) return true;
        return false;
    }
}
