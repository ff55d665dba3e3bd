using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Routing.Table;
using Edge.DataPlane.Tls;
using Edge.Model;

namespace Edge.DataPlane;

/// <summary>
/// What one compilation produced, kept for the next one to patch: the configuration it compiled,
/// the routers in error, the compiled services, chains, route tables and TLS options, and which
/// routers use each service (so that a changed service re-checks only its routers). Only the
/// compiling thread reads it; the published <see cref="DataPlaneState"/> never shares a mutable
/// collection with it (every patch copies what it changes).
/// </summary>
internal sealed class CompileMemo
{
    public required DynamicConfig Config { get; init; }
    public required DataPlaneState State { get; init; }
    public required Dictionary<string, string> Errors { get; init; }
    public required Dictionary<string, BackendService> Services { get; init; }
    public required Dictionary<string, (Service Model, BackendService Backend)> Compiled { get; init; }
    public required Dictionary<string, ProxyHandler> Chains { get; init; }
    public required Dictionary<string, EntryPointRoutes> Routes { get; init; }
    public required Dictionary<string, EntryPointTlsOptions> TlsOptions { get; init; }
    public required Dictionary<string, string> BrokenTransports { get; init; }
    /// <summary>Service key (as stored) to the routers naming it; updated by each patch for the routers it changed.</summary>
    public required Dictionary<string, HashSet<string>> RoutersByService { get; init; }
    /// <summary>Rule (syntax, text) to the number of routers with it: a patch forgets a rule from RuleCache when its last router goes.</summary>
    public required Dictionary<(Edge.DataPlane.Routing.Rules.RuleSyntax, string), int> RuleUses { get; init; }
    /// <summary>Services of services (weighted, mirroring, failover): any makes the next change compile whole.</summary>
    public required int ServicesOfServices { get; init; }

    public static CompileMemo Of(DynamicConfig config, DataPlaneState state, Dictionary<string, string> errors, Dictionary<string, BackendService> services,
        Dictionary<string, (Service, BackendService)> compiled, Dictionary<string, ProxyHandler> chains, Dictionary<string, EntryPointRoutes> routes,
        Dictionary<string, EntryPointTlsOptions> tlsOptions, Dictionary<string, string> broken, Edge.DataPlane.Routing.Rules.RuleSyntax syntax)
    {
        var byService = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var rules = new Dictionary<(Edge.DataPlane.Routing.Rules.RuleSyntax, string), int>();
        foreach (var (name, router) in config.Http.Routers)
        {
            Use(byService, name, router);
            UseRule(rules, router, syntax);
        }
        int nested = 0;
        foreach (var s in config.Http.Services.Values) if (IsServiceOfServices(s)) nested++;
        return new CompileMemo
        {
            Config = config, State = state, Errors = errors, Services = services, Compiled = compiled, Chains = chains, Routes = routes,
            TlsOptions = tlsOptions, BrokenTransports = broken, RoutersByService = byService, ServicesOfServices = nested, RuleUses = rules,
        };
    }

    private static (Edge.DataPlane.Routing.Rules.RuleSyntax, string) RuleKey(Router router, Edge.DataPlane.Routing.Rules.RuleSyntax syntax) =>
        (Edge.DataPlane.Routing.Rules.RuleParser.ResolveSyntax(router.RuleSyntax, syntax), router.Rule ?? "");

    public static void UseRule(Dictionary<(Edge.DataPlane.Routing.Rules.RuleSyntax, string), int> rules, Router router, Edge.DataPlane.Routing.Rules.RuleSyntax syntax)
    {
        var key = RuleKey(router, syntax);
        rules[key] = rules.GetValueOrDefault(key) + 1;
    }

    /// <summary>One router less with this rule; the last one lets the rule cache forget it.</summary>
    public static void UnuseRule(Dictionary<(Edge.DataPlane.Routing.Rules.RuleSyntax, string), int> rules, Router router, Edge.DataPlane.Routing.Rules.RuleSyntax syntax)
    {
        var key = RuleKey(router, syntax);
        if (!rules.TryGetValue(key, out var n)) return;
        if (n > 1) { rules[key] = n - 1; return; }
        rules.Remove(key);
        Edge.DataPlane.Routing.Rules.RuleCache.Forget(key.Item2, key.Item1);
    }

    public static bool IsServiceOfServices(Service s) => s.Weighted is not null || s.Mirroring is not null || s.Failover is not null;

    public static void Use(Dictionary<string, HashSet<string>> byService, string name, Router router)
    {
        var key = ProviderNames.Resolve(router.Service, name);
        if (!byService.TryGetValue(key, out var users)) byService[key] = users = new HashSet<string>(StringComparer.Ordinal);
        users.Add(name);
    }

    public static void Unuse(Dictionary<string, HashSet<string>> byService, string name, Router router)
    {
        var key = ProviderNames.Resolve(router.Service, name);
        if (byService.TryGetValue(key, out var users) && users.Remove(name) && users.Count == 0) byService.Remove(key);
    }

    /// <summary>Names present in only one of the two, or under both with different objects (the translation memo reuses unchanged ones).</summary>
    public static List<string> Diff<T>(SortedDictionary<string, T> before, SortedDictionary<string, T> after) where T : class
    {
        var changed = new List<string>();
        if (!ReferenceEquals(before.Comparer, StringComparer.Ordinal) || !ReferenceEquals(after.Comparer, StringComparer.Ordinal))
        {
            // Not in ordinal order: compared name by name.
            foreach (var (name, value) in before)
                if (!after.TryGetValue(name, out var other) || !ReferenceEquals(value, other)) changed.Add(name);
            foreach (var name in after.Keys)
                if (!before.ContainsKey(name)) changed.Add(name);
            return changed;
        }
        using var a = before.GetEnumerator();
        using var b = after.GetEnumerator();
        bool hasA = a.MoveNext(), hasB = b.MoveNext();
        while (hasA || hasB)
        {
            int c = !hasA ? 1 : !hasB ? -1 : string.CompareOrdinal(a.Current.Key, b.Current.Key);
            if (c < 0) { changed.Add(a.Current.Key); hasA = a.MoveNext(); }
            else if (c > 0) { changed.Add(b.Current.Key); hasB = b.MoveNext(); }
            else
            {
                if (!ReferenceEquals(a.Current.Value, b.Current.Value)) changed.Add(a.Current.Key);
                hasA = a.MoveNext();
                hasB = b.MoveNext();
            }
        }
        return changed;
    }

    public static bool Same<T>(SortedDictionary<string, T>? before, SortedDictionary<string, T>? after) where T : class
    {
        if (ReferenceEquals(before, after)) return true;
        if ((before?.Count ?? 0) != (after?.Count ?? 0)) return false;
        if (before is null || after is null) return true;   // both empty
        return Diff(before, after).Count == 0;
    }

    public static bool SameTls(TlsConfig? before, TlsConfig? after)
    {
        var c1 = before?.Certificates ?? [];
        var c2 = after?.Certificates ?? [];
        if (c1.Count != c2.Count) return false;
        for (int i = 0; i < c1.Count; i++) if (!ReferenceEquals(c1[i], c2[i])) return false;
        return Same(before?.Options, after?.Options) && Same(before?.Stores, after?.Stores);
    }
}
