using System.Text;
using System.Text.RegularExpressions;
using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>
/// v2 Query(`k=v`): gorilla/mux takes only the first value of k and matches "k=" + value against
/// the anchored template regex (an empty v means any value, a missing key never matches).
/// </summary>
public sealed class V2QueryMatcher : RequestMatcher
{
    private readonly byte[] _key;
    private readonly string _prefix;

    public V2QueryMatcher(string template, string key, Regex regex)
    {
        Template = template;
        Key = key;
        Regex = regex;
        _key = Encoding.UTF8.GetBytes(key);
        _prefix = key + "=";
    }

    public string Template { get; }

    public string Key { get; }

    public Regex Regex { get; }

    public override bool Matches(in RouteRequest request)
    {
        ReadOnlySpan<char> rest = request.RawQuery;
        while (QueryStrings.NextPair(ref rest, semicolonSeparates: true, out var k, out var v))
        {
            if (QueryStrings.DecodedEquals(k, _key) != 1)
            {
                continue;
            }

            int result = QueryStrings.DecodedMatches(_prefix, v, Regex);
            if (result >= 0)
            {
                // The first decodable occurrence decides.
                return result == 1;
            }
        }

        return false;
    }
}
