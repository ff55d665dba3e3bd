using System.Collections.Concurrent;

namespace Edge.DataPlane.Routing.Rules;

/// <summary>
/// Compiled rules by (syntax, text), shared by every route table. A configuration change rebuilds
/// all tables, but almost every rule in them is unchanged: at 10,000 Ingresses parsing and binding
/// was half of a table's compilation. <see cref="CompiledRule"/> is immutable, so one instance can
/// serve every entry point and generation. Failures are not cached (their error names the router).
/// </summary>
/// <remarks>
/// Pruned per generation: every lookup stamps its entry with the current sweep number, and
/// <see cref="Sweep"/> (called by the data plane after it compiled a configuration) drops the
/// rules that configuration did not use. Before this, a rule no router used any more stayed until
/// 200,000 had accumulated: a soak that patches a path every 100 ms kept ~14,000 dead rules after
/// 30 minutes. The bound stays as a backstop for compilations that never sweep.
/// </remarks>
public static class RuleCache
{
    private const int MaxEntries = 200_000;

    private sealed class Entry(CompiledRule rule, long stamp)
    {
        public readonly CompiledRule Rule = rule;
        public long Stamp = stamp;
    }

    private static readonly ConcurrentDictionary<(RuleSyntax, string), Entry> Cache = new();
    private static long _sweep;

    public static RuleParseResult Parse(string routerName, string rule, RuleSyntax syntax)
    {
        rule ??= "";
        long stamp = Volatile.Read(ref _sweep);
        if (Cache.TryGetValue((syntax, rule), out var cached))
        {
            Volatile.Write(ref cached.Stamp, stamp);
            return RuleParseResult.Ok(cached.Rule);
        }
        var parsed = RuleParser.Parse(routerName, rule, syntax);
        if (parsed.Success)
        {
            if (Cache.Count >= MaxEntries) Cache.Clear();
            Cache.TryAdd((syntax, rule), new Entry(parsed.Rule, stamp));
        }
        return parsed;
    }

    /// <summary>
    /// Ends a generation: forgets the rules not looked up since the previous sweep. A rule still
    /// referenced by a route table in flight stays alive through that table; only the cache lets go.
    /// </summary>
    public static void Sweep()
    {
        long current = Interlocked.Increment(ref _sweep) - 1;
        foreach (var (key, entry) in Cache)
            if (Volatile.Read(ref entry.Stamp) < current) Cache.TryRemove(key, out _);
    }

    /// <summary>Forgets one rule (a patch of the data plane removed the last router using it); the whole compilations' sweep does the rest.</summary>
    public static void Forget(string rule, RuleSyntax syntax) => Cache.TryRemove((syntax, rule ?? ""), out _);

    public static int Count => Cache.Count;
}
