using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Rules;
using Edge.Model;
using Edge.Tenancy;

namespace Edge.DataPlane.Routing.Table;

/// <summary>
/// Immutable routing table for one entry point and one side (TLS or plain). Routers are totally
/// ordered (<see cref="RouteEntry.Compare"/>) and indexed by the host their rule requires, so a
/// request only evaluates its host's bucket, the buckets of its parent domains and the routers that
/// do not constrain the host: matching cost does not grow with the number of hosts. A table is
/// either compiled whole or patched from the previous one (<see cref="Patch"/>): the same routers
/// give the same table either way.
/// </summary>
public sealed partial class RouteTable
{
    private const long MaxUserPriority = long.MaxValue - 1000;

    private readonly RouteEntry[] _routes;
    private readonly RouteEntry[] _fallback;
    private readonly Dictionary<string, RouteEntry[]> _exact;
    private readonly Dictionary<string, RouteEntry[]> _suffix;
    private readonly Dictionary<string, RouteEntry[]>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly Dictionary<string, RouteEntry[]>.AlternateLookup<ReadOnlySpan<char>> _suffixLookup;
    private readonly HostOwnership? _ownership;
    // What a patch needs to find: each admitted router's entry and each rejected router's error.
    private readonly Dictionary<string, RouteEntry> _byName;
    private readonly Dictionary<string, RuleError> _errors;
    private readonly IReadOnlyList<string>? _precedence;

    private RouteTable(string entryPoint, bool tls, RouteEntry[] routes, RouteEntry[] fallback,
        Dictionary<string, RouteEntry[]> exact, Dictionary<string, RouteEntry[]> suffix, HostOwnership? ownership,
        Dictionary<string, RouteEntry> byName, Dictionary<string, RuleError> errors, IReadOnlyList<string>? precedence)
    {
        _ownership = ownership;
        EntryPoint = entryPoint;
        Tls = tls;
        _routes = routes;
        _fallback = fallback;
        _exact = exact;
        _suffix = suffix;
        _exactLookup = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _suffixLookup = suffix.GetAlternateLookup<ReadOnlySpan<char>>();
        _byName = byName;
        _errors = errors;
        _precedence = precedence;
    }

    public string EntryPoint { get; }

    /// <summary>True for the table of routers with a tls section, served on TLS connections only.</summary>
    public bool Tls { get; }

    /// <summary>All routers in match order.</summary>
    public IReadOnlyList<RouteEntry> Routes => _routes;

    /// <summary>Routers the host index cannot place; these are tried for every request.</summary>
    public int FallbackCount => _fallback.Length;

    /// <summary>Host keys indexed (exact, suffix): for tests comparing a patched table with a rebuilt one.</summary>
    internal IEnumerable<string> IndexDump() =>
        _exact.Select(kv => "=" + kv.Key.ToLowerInvariant() + ":" + string.Join(",", kv.Value.Select(e => e.Name)))
            .Concat(_suffix.Select(kv => "." + kv.Key.ToLowerInvariant() + ":" + string.Join(",", kv.Value.Select(e => e.Name))))
            .Concat([".fallback:" + string.Join(",", _fallback.Select(e => e.Name))])
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// Builds the table of the routers bound to <paramref name="entryPoint"/> (no entry points
    /// means all) whose TLS-ness equals <paramref name="tls"/>. Routers whose rule does not parse
    /// are left out and reported; the rest are served. <paramref name="providersPrecedence"/>
    /// (Traefik's core option, highest first) breaks priority ties between providers, read from
    /// the "@provider" suffix of router names; remaining ties go by name. With
    /// <paramref name="ownership"/> (tenancy mode) a request whose host a namespace owns is only
    /// matched against that namespace's routers (and routers from no namespace, the operator's).
    /// </summary>
    public static RouteTableCompilation Compile(
        IEnumerable<(string Name, Router Router)> routers,
        string entryPoint,
        bool tls,
        RuleSyntax defaultSyntax = RuleSyntax.V3,
        IReadOnlyList<string>? providersPrecedence = null,
        HostOwnership? ownership = null)
    {
        var entries = new List<RouteEntry>();
        var errors = new Dictionary<string, RuleError>(StringComparer.Ordinal);
        var byName = new Dictionary<string, RouteEntry>(StringComparer.Ordinal);
        foreach ((string name, Router router) in routers)
        {
            switch (Admit(name, router, entryPoint, tls, defaultSyntax, providersPrecedence, out var entry, out var error))
            {
                case true: entries.Add(entry!); byName[name] = entry!; break;
                case false: errors[name] = error!; break;
            }
        }

        entries.Sort(RouteEntry.Compare);
        var exact = new Dictionary<string, List<RouteEntry>>(StringComparer.OrdinalIgnoreCase);
        var suffix = new Dictionary<string, List<RouteEntry>>(StringComparer.OrdinalIgnoreCase);
        var fallback = new List<RouteEntry>();
        foreach (RouteEntry e in entries)
        {
            HostIndexKeys? keys = e.Rule.HostKeys;
            if (keys is null)
            {
                fallback.Add(e);
                continue;
            }

            // Entries are visited in order, so every bucket comes out sorted.
            AddToBuckets(exact, keys.Exact, e);
            AddToBuckets(suffix, keys.Suffixes, e);
        }

        var table = new RouteTable(entryPoint, tls, [.. entries], [.. fallback], ToArrays(exact), ToArrays(suffix), ownership, byName, errors, providersPrecedence);
        return new RouteTableCompilation(table, table.SortedErrors());
    }

    /// <summary>Same as the tuple form, for <see cref="HttpConfig.Routers"/> as it is.</summary>
    public static RouteTableCompilation Compile(
        IEnumerable<KeyValuePair<string, Router>> routers,
        string entryPoint,
        bool tls,
        RuleSyntax defaultSyntax = RuleSyntax.V3,
        IReadOnlyList<string>? providersPrecedence = null,
        HostOwnership? ownership = null) =>
        Compile(routers.Select(static kv => (kv.Key, kv.Value)), entryPoint, tls, defaultSyntax, providersPrecedence, ownership);

    /// <summary>
    /// Whether the router belongs in this table: null = not this table's (other side, other entry
    /// point), true = admitted with its <paramref name="entry"/>, false = rejected with its <paramref name="error"/>.
    /// </summary>
    private static bool? Admit(string name, Router router, string entryPoint, bool tls, RuleSyntax defaultSyntax,
        IReadOnlyList<string>? precedence, out RouteEntry? entry, out RuleError? error)
    {
        entry = null;
        error = null;
        if ((router.Tls is not null) != tls || !IsBound(router, entryPoint))
        {
            return null;
        }

        if (router.Priority > MaxUserPriority && !name.EndsWith("@internal", StringComparison.Ordinal))
        {
            error = new RuleError(name, router.Rule, 0, $"the router priority {router.Priority} exceeds the max user-defined priority {MaxUserPriority}");
            return false;
        }

        RuleParseResult parsed = RuleCache.Parse(name, router.Rule, RuleParser.ResolveSyntax(router.RuleSyntax, defaultSyntax));
        if (!parsed.Success)
        {
            error = parsed.Error;
            return false;
        }

        long priority = router.Priority != 0 ? router.Priority : CompiledRule.DefaultPriority(router.Rule);
        entry = new RouteEntry(name, router, parsed.Rule, priority) { ProviderRank = ProviderRank(name, precedence) };
        return true;
    }

    private IReadOnlyList<RuleError> SortedErrors()
    {
        if (_errors.Count == 0) return [];
        var list = _errors.Values.ToList();
        list.Sort(static (a, b) => string.CompareOrdinal(a.RouterName, b.RouterName));
        return list;
    }

    /// <summary>The highest-priority router matching the request, or null (Traefik answers 404).</summary>
    public RouteEntry? Match(in RouteRequest request)
    {
        if (request.IsTls != Tls)
        {
            return null;
        }

        RouteEntry? best = null;
        ReadOnlySpan<char> host = RequestHost.IndexKey(request.CanonicalHost);
        // Tenancy: the owner of this host, decided once; other namespaces' routers are skipped.
        string? owner = _ownership?.OwnerOf(host);

        if (_exact.Count > 0 && _exactLookup.TryGetValue(host, out RouteEntry[]? bucket))
        {
            Scan(bucket, request, owner, ref best);
        }

        if (_suffix.Count > 0)
        {
            // Every parent domain: a.b.example.com -> b.example.com, example.com, com.
            ReadOnlySpan<char> rest = host;
            for (int dot = rest.IndexOf('.'); dot >= 0; dot = rest.IndexOf('.'))
            {
                rest = rest[(dot + 1)..];
                if (_suffixLookup.TryGetValue(rest, out bucket))
                {
                    Scan(bucket, request, owner, ref best);
                }
            }
        }

        Scan(_fallback, request, owner, ref best);
        return best;
    }

    /// <summary>Reference implementation: every router in order. Used by tests and as benchmark baseline.</summary>
    internal RouteEntry? MatchLinear(in RouteRequest request)
    {
        if (request.IsTls != Tls)
        {
            return null;
        }

        string? owner = _ownership?.OwnerOf(RequestHost.IndexKey(request.CanonicalHost));
        foreach (RouteEntry e in _routes)
        {
            if (HostOwnership.MayServe(e.Namespace, owner) && e.Rule.Matches(request))
            {
                return e;
            }
        }

        return null;
    }

    private static void Scan(RouteEntry[] bucket, in RouteRequest request, string? owner, ref RouteEntry? best)
    {
        foreach (RouteEntry e in bucket)
        {
            // Buckets are in table order: nothing further down can beat what was already found.
            if (best is not null && RouteEntry.Compare(e, best) >= 0)
            {
                return;
            }

            if (owner is not null && !HostOwnership.MayServe(e.Namespace, owner))
            {
                continue;
            }

            if (e.Rule.Matches(request))
            {
                best = e;
                return;
            }
        }
    }

    /// <summary>Index in the precedence list (lower wins); providers not listed come after all listed ones.</summary>
    private static int ProviderRank(string routerName, IReadOnlyList<string>? precedence)
    {
        if (precedence is null || precedence.Count == 0)
        {
            return 0;
        }

        // Traefik's providerName: the part after '@', only when there is exactly one '@'.
        int at = routerName.IndexOf('@');
        if (at < 0 || routerName.IndexOf('@', at + 1) >= 0)
        {
            return int.MaxValue;
        }

        string provider = routerName[(at + 1)..];
        for (int i = 0; i < precedence.Count; i++)
        {
            if (string.Equals(precedence[i], provider, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static bool IsBound(Router router, string entryPoint)
    {
        if (router.EntryPoints is null || router.EntryPoints.Count == 0)
        {
            return true;
        }

        foreach (string ep in router.EntryPoints)
        {
            if (string.Equals(ep, entryPoint, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void AddToBuckets(Dictionary<string, List<RouteEntry>> index, List<string> keys, RouteEntry e)
    {
        foreach (string key in keys)
        {
            if (!index.TryGetValue(key, out List<RouteEntry>? list))
            {
                index[key] = list = [];
            }

            // An Or of the same host twice must not list the router twice.
            if (list.Count == 0 || !ReferenceEquals(list[^1], e))
            {
                list.Add(e);
            }
        }
    }

    private static Dictionary<string, RouteEntry[]> ToArrays(Dictionary<string, List<RouteEntry>> index)
    {
        var arrays = new Dictionary<string, RouteEntry[]>(index.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, list) in index)
        {
            arrays[key] = [.. list];
        }

        return arrays;
    }
}
