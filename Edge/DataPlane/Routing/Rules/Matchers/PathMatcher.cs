using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>Path(`/x`): exact, case-sensitive comparison with the routing path.</summary>
public sealed class PathMatcher(string path) : RequestMatcher
{
    public string Path { get; } = path;

    public override bool Matches(in RouteRequest request) => string.Equals(request.Path, Path, StringComparison.Ordinal);
}
