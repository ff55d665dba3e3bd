using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>PathPrefix(`/x`): character-wise prefix ("/api" also matches "/apix"), as in Traefik.</summary>
public sealed class PathPrefixMatcher(string prefix) : RequestMatcher
{
    public string Prefix { get; } = prefix;

    public override bool Matches(in RouteRequest request) => request.Path.StartsWith(Prefix, StringComparison.Ordinal);
}
