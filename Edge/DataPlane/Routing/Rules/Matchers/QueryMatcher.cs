using System.Text;
using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>
/// v3 Query(`k`, `v`) / Query(`k`): one of the decoded values of key k equals v (empty when only
/// the key is given, so "?k" and "?k=" match). Keys are case-sensitive, as in Go.
/// </summary>
public sealed class QueryMatcher : RequestMatcher
{
    private readonly byte[] _key;
    private readonly byte[] _value;

    public QueryMatcher(string key, string value)
    {
        Key = key;
        Value = value;
        _key = Encoding.UTF8.GetBytes(key);
        _value = Encoding.UTF8.GetBytes(value);
    }

    public string Key { get; }

    public string Value { get; }

    public override bool Matches(in RouteRequest request)
    {
        ReadOnlySpan<char> rest = request.RawQuery;
        while (QueryStrings.NextPair(ref rest, semicolonSeparates: false, out var k, out var v))
        {
            // Go drops pairs whose key or value does not unescape, so they neither match nor count.
            if (QueryStrings.DecodedEquals(k, _key) == 1 && QueryStrings.DecodedEquals(v, _value) == 1)
            {
                return true;
            }
        }

        return false;
    }
}
