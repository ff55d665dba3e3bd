namespace Edge.DataPlane.Routing.Rules;

/// <summary>
/// Entry point for Traefik rules: parses the expression, binds matcher names of the chosen dialect
/// and compiles regexps. Errors come back in the result (never as exceptions) with the router name
/// and the column, so one bad router cannot take the others down.
/// </summary>
public static class RuleParser
{
    public static RuleParseResult Parse(string routerName, string rule, RuleSyntax syntax = RuleSyntax.V3)
    {
        rule ??= "";
        if (!TryParseTree(rule, out RuleNode? tree, out int pos, out string? message))
        {
            return RuleParseResult.Fail(new RuleError(routerName, rule, pos, message!));
        }

        var root = MatcherBinder.Bind(tree!, syntax, out pos, out message);
        return root is null
            ? RuleParseResult.Fail(new RuleError(routerName, rule, pos, message!))
            : RuleParseResult.Ok(new CompiledRule(rule, syntax, tree!, root));
    }

    /// <summary>The syntax tree only, without binding matcher names (both dialects share the grammar).</summary>
    public static bool TryParseTree(string rule, out RuleNode? tree, out int errorPosition, out string? error)
    {
        if (string.IsNullOrWhiteSpace(rule))
        {
            tree = null;
            errorPosition = 0;
            error = "empty rule";
            return false;
        }

        return RuleExpressionParser.TryParse(rule, out tree, out errorPosition, out error);
    }

    /// <summary>
    /// A router's ruleSyntax: "v2" or "v3" (exact, as Traefik compares it); empty
    /// means the configured default; anything else falls back to v3 like Traefik's SyntaxParser.
    /// </summary>
    public static RuleSyntax ResolveSyntax(string? ruleSyntax, RuleSyntax defaultSyntax = RuleSyntax.V3)
    {
        if (string.IsNullOrEmpty(ruleSyntax))
        {
            return defaultSyntax;
        }

        return string.Equals(ruleSyntax, "v2", StringComparison.Ordinal) ? RuleSyntax.V2 : RuleSyntax.V3;
    }
}
