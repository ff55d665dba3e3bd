using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

public sealed class NotMatcher(RequestMatcher operand) : RequestMatcher
{
    public RequestMatcher Operand { get; } = operand;

    public override bool Matches(in RouteRequest request) => !Operand.Matches(request);
}
