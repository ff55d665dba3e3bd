using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>Header(`k`, `v`): one of the header's values (one per header line) equals v exactly.</summary>
public sealed class HeaderMatcher(string name, string value) : RequestMatcher
{
    public string Name { get; } = name;

    public string Value { get; } = value;

    public override bool Matches(in RouteRequest request)
    {
        if (request.Headers is null || !request.Headers.TryGetValue(Name, out var values))
        {
            return false;
        }

        foreach (string? v in values)
        {
            if (string.Equals(v, Value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
