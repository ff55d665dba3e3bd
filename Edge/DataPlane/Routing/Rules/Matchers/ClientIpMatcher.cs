using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>ClientIP: the peer address is one of the IPs or inside one of the CIDRs.</summary>
public sealed class ClientIpMatcher(string[] sources, IpPrefix[] prefixes) : RequestMatcher
{
    private readonly IpPrefix[] _prefixes = prefixes;

    public IReadOnlyList<string> Sources { get; } = sources;

    public override bool Matches(in RouteRequest request)
    {
        foreach (ref readonly IpPrefix p in _prefixes.AsSpan())
        {
            if (p.Contains(request.ClientIp))
            {
                return true;
            }
        }

        return false;
    }
}
