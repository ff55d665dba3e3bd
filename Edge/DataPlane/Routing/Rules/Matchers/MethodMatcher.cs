using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>
/// Method: the rule's methods are upper-cased at compile time (Traefik does), the request method
/// is compared case-sensitively. v2 may list several.
/// </summary>
public sealed class MethodMatcher(string[] methods) : RequestMatcher
{
    public IReadOnlyList<string> Methods => _methods;

    private readonly string[] _methods = methods;

    public override bool Matches(in RouteRequest request)
    {
        foreach (string m in _methods)
        {
            if (string.Equals(m, request.Method, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
