using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>
/// A node of a compiled rule. Virtual dispatch over a small tree is cheaper than delegates with
/// captured state, and the concrete types let the host index inspect what a rule requires.
/// </summary>
public abstract class RequestMatcher
{
    public abstract bool Matches(in RouteRequest request);
}
