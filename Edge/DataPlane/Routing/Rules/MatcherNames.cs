using System.Collections.Frozen;

namespace Edge.DataPlane.Routing.Rules;

/// <summary>
/// The matcher names each dialect accepts. Traefik registers every name in four spellings
/// (as declared, lower, UPPER and Title-case of the lower form), so "host" and "HOST" work
/// but "hOsT" does not; this reproduces exactly that set.
/// </summary>
internal static class MatcherNames
{
    public static readonly FrozenDictionary<string, string> V3 = Spellings(
        "ClientIP", "Method", "Host", "HostRegexp", "Path", "PathRegexp", "PathPrefix",
        "Header", "HeaderRegexp", "Query", "QueryRegexp");

    public static readonly FrozenDictionary<string, string> V2 = Spellings(
        "Host", "HostHeader", "HostRegexp", "ClientIP", "Path", "PathPrefix", "Method",
        "Headers", "HeadersRegexp", "Query");

    public static bool TryResolve(RuleSyntax syntax, string written, out string canonical) =>
        (syntax == RuleSyntax.V2 ? V2 : V3).TryGetValue(written, out canonical!);

    private static FrozenDictionary<string, string> Spellings(params string[] names)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string n in names)
        {
            string lower = n.ToLowerInvariant();
            map[n] = n;
            map[lower] = n;
            map[n.ToUpperInvariant()] = n;
            map[char.ToUpperInvariant(lower[0]) + lower[1..]] = n;
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
