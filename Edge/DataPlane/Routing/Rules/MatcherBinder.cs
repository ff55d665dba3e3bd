using Edge.DataPlane.Routing.Rules.Matchers;

namespace Edge.DataPlane.Routing.Rules;

/// <summary>
/// Turns a syntax tree into matchers for one dialect. Checks shared by both dialects (known name,
/// at least one argument, no empty argument: Traefik's rules.CheckRule) live here; the per-matcher
/// rules live in <see cref="TraefikV3Dialect"/> and <see cref="TraefikV2Dialect"/>.
/// </summary>
internal static class MatcherBinder
{
    public static RequestMatcher? Bind(RuleNode node, RuleSyntax syntax, out int errorPos, out string? error)
    {
        switch (node.Kind)
        {
            case RuleNodeKind.And:
            case RuleNodeKind.Or:
                {
                    RequestMatcher? left = Bind(node.Left!, syntax, out errorPos, out error);
                    if (left is null)
                    {
                        return null;
                    }

                    RequestMatcher? right = Bind(node.Right!, syntax, out errorPos, out error);
                    if (right is null)
                    {
                        return null;
                    }

                    return node.Kind == RuleNodeKind.And ? new AndMatcher(left, right) : new OrMatcher(left, right);
                }

            case RuleNodeKind.Not:
                {
                    RequestMatcher? operand = Bind(node.Left!, syntax, out errorPos, out error);
                    return operand is null ? null : new NotMatcher(operand);
                }
        }

        errorPos = node.Position;
        if (!MatcherNames.TryResolve(syntax, node.Name, out string name))
        {
            string dialect = syntax == RuleSyntax.V2 ? "v2" : "v3";
            error = $"unknown matcher {node.Name} for rule syntax {dialect}";
            return null;
        }

        string[] args = node.ArgArray;
        if (args.Length == 0)
        {
            error = $"no args for matcher {name}";
            return null;
        }

        foreach (string a in args)
        {
            if (a.Length == 0)
            {
                error = $"empty args for matcher {name}";
                return null;
            }
        }

        RequestMatcher? leaf = syntax == RuleSyntax.V2
            ? TraefikV2Dialect.Bind(name, args, out error)
            : TraefikV3Dialect.Bind(name, args, out error);
        if (leaf is null)
        {
            error = $"{name}: {error}";
        }

        return leaf;
    }

    internal static bool IsAscii(string s, string matcher, out string? error)
    {
        if (System.Text.Ascii.IsValid(s))
        {
            error = null;
            return true;
        }

        error = $"invalid value \"{s}\" for {matcher} matcher, non-ASCII characters are not allowed";
        return false;
    }

    internal static bool TryClientIp(string[] args, out RequestMatcher? matcher, out string? error)
    {
        var prefixes = new IpPrefix[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            if (!IpPrefix.TryParse(args[i], out prefixes[i], out error))
            {
                matcher = null;
                return false;
            }
        }

        matcher = new ClientIpMatcher(args, prefixes);
        error = null;
        return true;
    }

    internal static RequestMatcher Combine(List<RequestMatcher> parts, bool and)
    {
        RequestMatcher result = parts[0];
        for (int i = 1; i < parts.Count; i++)
        {
            result = and ? new AndMatcher(result, parts[i]) : new OrMatcher(result, parts[i]);
        }

        return result;
    }
}
