using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

public sealed class AndMatcher(RequestMatcher left, RequestMatcher right) : RequestMatcher
{
    public RequestMatcher Left { get; } = left;

    public RequestMatcher Right { get; } = right;

    public override bool Matches(in RouteRequest request) => Left.Matches(request) && Right.Matches(request);
}
