using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>Host(`*`): Traefik matches every request, even one without a host.</summary>
public sealed class AnyMatcher : RequestMatcher
{
    public static readonly AnyMatcher Instance = new();

    private AnyMatcher()
    {
    }

    public override bool Matches(in RouteRequest request) => true;
}
