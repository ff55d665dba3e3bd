using System.Text.RegularExpressions;
using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>PathRegexp (v3, unanchored) and v2 Path/PathPrefix templates (anchored by construction).</summary>
public sealed class PathRegexpMatcher(string pattern, Regex regex) : RequestMatcher
{
    public string Pattern { get; } = pattern;

    public Regex Regex { get; } = regex;

    public override bool Matches(in RouteRequest request) => Regex.IsMatch(request.Path);
}
