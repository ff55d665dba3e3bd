using Edge.DataPlane.Routing.Rules.Matchers;
using Edge.GoCompat;

namespace Edge.DataPlane.Routing.Rules;

/// <summary>
/// What a rule requires of the request host, for the route table's index. The result is a sound
/// over-approximation: if the rule can match a request, the request's host (trailing dots trimmed)
/// is one of <see cref="Exact"/> or has one of <see cref="Suffixes"/> right after a '.'.
/// Rules with no such requirement (null) go to the fallback list, which is always scanned.
/// </summary>
internal sealed class HostIndexKeys
{
    private HostIndexKeys(List<string> exact, List<string> suffixes)
    {
        Exact = exact;
        Suffixes = suffixes;
    }

    public List<string> Exact { get; }

    public List<string> Suffixes { get; }

    private int Count => Exact.Count + Suffixes.Count;

    public static HostIndexKeys? Analyze(RequestMatcher matcher) => matcher switch
    {
        HostMatcher h => FromHost(h),
        HostRegexpMatcher r => FromRegex(r.Pattern),
        V2HostTemplateMatcher t => FromTemplate(t),
        AndMatcher a => Narrowest(Analyze(a.Left), Analyze(a.Right)),
        OrMatcher o => Union(Analyze(o.Left), Analyze(o.Right)),
        // Negations and every other matcher say nothing about which hosts can match.
        _ => null,
    };

    private static HostIndexKeys? FromHost(HostMatcher h)
    {
        if (!h.IsWildcard)
        {
            return ExactKey(h.Host.TrimEnd('.'));
        }

        // "*.example.com" matches exactly one extra label; "*" and "*." forms stay in the fallback.
        return h.Host.StartsWith("*.", StringComparison.Ordinal) ? Suffix(h.Host[2..].TrimEnd('.')) : null;
    }

    private static HostIndexKeys? FromTemplate(V2HostTemplateMatcher t)
    {
        // A template with a port is matched against "host:port"; whitespace is trimmed by the
        // canonical host but not by mux. Both are rare enough to leave to the fallback list.
        if (t.MatchPort || t.Template.AsSpan().IndexOfAny(" \t") >= 0)
        {
            return null;
        }

        return V2Template.HasVariables(t.Template)
            ? SuffixOfTail(V2Template.LiteralTail(t.Template))
            : ExactKey(t.Template.TrimEnd('.'));
    }

    /// <summary>
    /// For a Go regex ending in '$' (no alternation, no multi-line flag), the run of literal host
    /// characters before the anchor must end every matching host.
    /// </summary>
    internal static HostIndexKeys? FromRegex(string pattern)
    {
        if (pattern.Contains('|') || GoRegex.HasMultilineFlag(pattern))
        {
            return null;
        }

        int end;
        if (pattern.EndsWith("\\z", StringComparison.Ordinal) && !IsEscaped(pattern, pattern.Length - 2))
        {
            end = pattern.Length - 2;
        }
        else if (pattern.EndsWith('$') && !IsEscaped(pattern, pattern.Length - 1))
        {
            end = pattern.Length - 1;
        }
        else
        {
            return null;
        }

        var tail = new System.Text.StringBuilder();
        int i = end - 1;
        while (i >= 0)
        {
            char c = pattern[i];
            if (IsEscaped(pattern, i))
            {
                if (c is not ('.' or '-'))
                {
                    break;
                }

                tail.Insert(0, c);
                i -= 2;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c == '-')
            {
                tail.Insert(0, c);
                i--;
            }
            else
            {
                break;
            }
        }

        // "^literal$": the regex is an exact host comparison.
        if (i == 0 && pattern[0] == '^')
        {
            return ExactKey(tail.ToString().TrimEnd('.'));
        }

        return SuffixOfTail(tail.ToString());
    }

    private static HostIndexKeys? SuffixOfTail(string tail)
    {
        int dot = tail.IndexOf('.');
        return dot < 0 ? null : Suffix(tail[(dot + 1)..].TrimEnd('.'));
    }

    private static bool IsEscaped(string s, int index)
    {
        int n = 0;
        for (int j = index - 1; j >= 0 && s[j] == '\\'; j--)
        {
            n++;
        }

        return n % 2 == 1;
    }

    private static HostIndexKeys ExactKey(string key) => new([key], []);

    private static HostIndexKeys? Suffix(string key) => key.Length == 0 ? null : new([], [key]);

    private static HostIndexKeys? Narrowest(HostIndexKeys? a, HostIndexKeys? b)
    {
        if (a is null || b is null)
        {
            return a ?? b;
        }

        // Either side alone is a valid filter for a conjunction: prefer exact hosts, then fewer keys.
        bool aExact = a.Suffixes.Count == 0, bExact = b.Suffixes.Count == 0;
        if (aExact != bExact)
        {
            return aExact ? a : b;
        }

        return a.Count <= b.Count ? a : b;
    }

    private static HostIndexKeys? Union(HostIndexKeys? a, HostIndexKeys? b) =>
        a is null || b is null ? null : new([.. a.Exact, .. b.Exact], [.. a.Suffixes, .. b.Suffixes]);
}
