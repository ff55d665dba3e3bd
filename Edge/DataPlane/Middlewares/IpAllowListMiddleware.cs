using System.Net;
using Edge.DataPlane.Routing;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's ipAllowList: the client address (the connection's, or with <c>ipStrategy.depth</c> /
/// <c>excludedIPs</c> one taken from X-Forwarded-For counted from the right) must fall in
/// <c>sourceRange</c>, else <c>rejectStatusCode</c> (403). X-Forwarded-For is only read from a
/// source the entry point trusts: Traefik strips it from any other before middlewares run.
/// </summary>
internal sealed class IpAllowListMiddleware(IReadOnlyList<IpPrefix> ranges, int depth, IReadOnlyList<IpPrefix> excluded, int rejectStatus) : HttpMiddleware
{
    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        var ip = ClientIp(r);
        foreach (var range in ranges)
            if (range.Contains(ip)) return next(r);
        return Answer(r.Context, rejectStatus, ReasonPhrases.Of(rejectStatus));
    };

    private IPAddress? ClientIp(ProxyRequest r)
    {
        var remote = r.Context.Connection.RemoteIpAddress;
        if (remote is { IsIPv4MappedToIPv6: true }) remote = remote.MapToIPv4();
        if (depth <= 0 && excluded.Count == 0) return remote;
        var xff = r.ForwardedHeadersTrusted ? r.Context.Request.Headers["X-Forwarded-For"].ToString() : "";
        var parts = xff.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (depth > 0)
            return parts.Length >= depth && IPAddress.TryParse(parts[^depth], out var d) ? d : null;
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(parts[i], out var candidate)) continue;
            bool skip = false;
            foreach (var e in excluded) if (e.Contains(candidate)) { skip = true; break; }
            if (!skip) return candidate;
        }
        return null;
    }
}
