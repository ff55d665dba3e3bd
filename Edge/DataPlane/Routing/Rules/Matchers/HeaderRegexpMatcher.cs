using System.Text.RegularExpressions;
using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>HeaderRegexp / v2 HeadersRegexp: one of the header's values matches the unanchored regex.</summary>
public sealed class HeaderRegexpMatcher(string name, string pattern, Regex regex) : RequestMatcher
{
    public string Name { get; } = name;

    public string Pattern { get; } = pattern;

    public Regex Regex { get; } = regex;

    public override bool Matches(in RouteRequest request)
    {
        if (request.Headers is null || !request.Headers.TryGetValue(Name, out var values))
        {
            return false;
        }

        foreach (string? v in values)
        {
            if (v is not null && Regex.IsMatch(v))
            {
                return true;
            }
        }

        return false;
    }
}
