using System.Collections.Concurrent;

namespace Edge.Routing;

/// <summary>
/// Compiled rules by (syntax, text), shared by every route table. A configuration change rebuilds
/// all tables, but almost every rule in them is unchanged: at 10,000 Ingresses parsing and binding
/// was half of a table's compilation. <see cref="CompiledRule"/> is immutable, so one instance can
/// serve every entry point and generation. Failures are not cached (their error names the router).
/// </summary>
public static class RuleCache
{
    // Rules no router uses any more stay until the cache is full, then everything is dropped at
    // once: a bound on memory without bookkeeping on the hot (compile) path.
    private const int MaxEntries = 200_000;
    private static readonly ConcurrentDictionary<(RuleSyntax, string), CompiledRule> Cache = new();

    public static RuleParseResult Parse(string routerName, string rule, RuleSyntax syntax)
    {
        rule ??= "";
        if (Cache.TryGetValue((syntax, rule), out var cached)) return RuleParseResult.Ok(cached);
        var parsed = RuleParser.Parse(routerName, rule, syntax);
        if (parsed.Success)
        {
            if (Cache.Count >= MaxEntries) Cache.Clear();
            Cache.TryAdd((syntax, rule), parsed.Rule);
        }
        return parsed;
    }

    public static int Count => Cache.Count;
}
