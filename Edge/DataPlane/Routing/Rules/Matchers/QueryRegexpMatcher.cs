using System.Text;
using System.Text.RegularExpressions;
using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>v3 QueryRegexp(`k`, `re`): one of the decoded values of key k matches the unanchored regex.</summary>
public sealed class QueryRegexpMatcher : RequestMatcher
{
    private readonly byte[] _key;

    public QueryRegexpMatcher(string key, string pattern, Regex regex)
    {
        Key = key;
        Pattern = pattern;
        Regex = regex;
        _key = Encoding.UTF8.GetBytes(key);
    }

    public string Key { get; }

    public string Pattern { get; }

    public Regex Regex { get; }

    public override bool Matches(in RouteRequest request)
    {
        ReadOnlySpan<char> rest = request.RawQuery;
        while (QueryStrings.NextPair(ref rest, semicolonSeparates: false, out var k, out var v))
        {
            if (QueryStrings.DecodedEquals(k, _key) == 1 && QueryStrings.DecodedMatches([], v, Regex) == 1)
            {
                return true;
            }
        }

        return false;
    }
}
