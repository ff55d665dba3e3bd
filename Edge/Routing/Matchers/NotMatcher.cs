namespace Edge.Routing.Matchers;

public sealed class NotMatcher(RequestMatcher operand) : RequestMatcher
{
    public RequestMatcher Operand { get; } = operand;

    public override bool Matches(in RouteRequest request) => !Operand.Matches(request);
}
