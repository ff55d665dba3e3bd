using System.Collections.Frozen;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Rules;
using Edge.Model;
using Edge.Tenancy;

namespace Edge.DataPlane.Routing.Table;

/// <summary>
/// Immutable routing table for one entry point and one side (TLS or plain). Routers are totally
/// ordered (priority descending, then name) and indexed by the host their rule requires, so a
/// request only evaluates its host's bucket, the buckets of its parent domains and the routers that
/// do not constrain the host: matching cost does not grow with the number of hosts.
/// </summary>
public sealed class RouteTable
{
    private const long MaxUserPriority = long.MaxValue - 1000;

    private readonly RouteEntry[] _routes;
    private readonly RouteEntry[] _fallback;
    private readonly FrozenDictionary<string, RouteEntry[]> _exact;
    private readonly FrozenDictionary<string, RouteEntry[]> _suffix;
    private readonly FrozenDictionary<string, RouteEntry[]>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly FrozenDictionary<string, RouteEntry[]>.AlternateLookup<ReadOnlySpan<char>> _suffixLookup;
    private readonly HostOwnership? _ownership;

    private RouteTable(string entryPoint, bool tls, RouteEntry[] routes, RouteEntry[] fallback,
        FrozenDictionary<string, RouteEntry[]> exact, FrozenDictionary<string, RouteEntry[]> suffix, HostOwnership? ownership)
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
    }

    public string EntryPoint { get; }

    /// <summary>True for the table of routers with a tls section, served on TLS connections only.</summary>
    public bool Tls { get; }

    /// <summary>All routers in match order.</summary>
    public IReadOnlyList<RouteEntry> Routes => _routes;

    /// <summary>Routers the host index cannot place; these are tried for every request.</summary>
    public int FallbackCount => _fallback.Length;

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
        var errors = new List<RuleError>();
        foreach ((string name, Router router) in routers)
        {
            if ((router.Tls is not null) != tls || !IsBound(router, entryPoint))
            {
                continue;
            }

            if (router.Priority > MaxUserPriority && !name.EndsWith("@internal", StringComparison.Ordinal))
            {
                errors.Add(new RuleError(name, router.Rule, 0,
                    $"the router priority {router.Priority} exceeds the max user-defined priority {MaxUserPriority}"));
                continue;
            }

            RuleParseResult parsed = RuleCache.Parse(name, router.Rule, RuleParser.ResolveSyntax(router.RuleSyntax, defaultSyntax));
            if (!parsed.Success)
            {
                errors.Add(parsed.Error);
                continue;
            }

            long priority = router.Priority != 0 ? router.Priority : CompiledRule.DefaultPriority(router.Rule);
            entries.Add(new RouteEntry(name, router, parsed.Rule, priority));
        }

        // Traefik sorts by priority then provider precedence; the name makes the remaining ties
        // deterministic across reloads (Traefik's sort is not stable).
        entries.Sort((a, b) =>
        {
            if (a.Priority != b.Priority)
            {
                return b.Priority.CompareTo(a.Priority);
            }

            int pa = ProviderRank(a.Name, providersPrecedence), pb = ProviderRank(b.Name, providersPrecedence);
            return pa != pb ? pa.CompareTo(pb) : string.CompareOrdinal(a.Name, b.Name);
        });
        errors.Sort(static (a, b) => string.CompareOrdinal(a.RouterName, b.RouterName));

        var exact = new Dictionary<string, List<RouteEntry>>(StringComparer.OrdinalIgnoreCase);
        var suffix = new Dictionary<string, List<RouteEntry>>(StringComparer.OrdinalIgnoreCase);
        var fallback = new List<RouteEntry>();
        for (int i = 0; i < entries.Count; i++)
        {
            RouteEntry e = entries[i];
            e.Rank = i;
            HostIndexKeys? keys = e.Rule.HostKeys;
            if (keys is null)
            {
                fallback.Add(e);
                continue;
            }

            // Entries are visited in rank order, so every bucket comes out sorted.
            AddToBuckets(exact, keys.Exact, e);
            AddToBuckets(suffix, keys.Suffixes, e);
        }

        var table = new RouteTable(entryPoint, tls, [.. entries], [.. fallback], Freeze(exact), Freeze(suffix), ownership);
        return new RouteTableCompilation(table, errors);
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

    /// <summary>The highest-priority router matching the request, or null (Traefik answers 404).</summary>
    public RouteEntry? Match(in RouteRequest request)
    {
        if (request.IsTls != Tls)
        {
            return null;
        }

        RouteEntry? best = null;
        int bestRank = int.MaxValue;
        ReadOnlySpan<char> host = RequestHost.IndexKey(request.CanonicalHost);
        // Tenancy: the owner of this host, decided once; other namespaces' routers are skipped.
        string? owner = _ownership?.OwnerOf(host);

        if (_exact.Count > 0 && _exactLookup.TryGetValue(host, out RouteEntry[]? bucket))
        {
            Scan(bucket, request, owner, ref best, ref bestRank);
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
                    Scan(bucket, request, owner, ref best, ref bestRank);
                }
            }
        }

        Scan(_fallback, request, owner, ref best, ref bestRank);
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

    private static void Scan(RouteEntry[] bucket, in RouteRequest request, string? owner, ref RouteEntry? best, ref int bestRank)
    {
        foreach (RouteEntry e in bucket)
        {
            // Buckets are in rank order: nothing further down can beat what was already found.
            if (e.Rank >= bestRank)
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
                bestRank = e.Rank;
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

    private static FrozenDictionary<string, RouteEntry[]> Freeze(Dictionary<string, List<RouteEntry>> index)
    {
        var arrays = new Dictionary<string, RouteEntry[]>(index.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, list) in index)
        {
            arrays[key] = [.. list];
        }

        return arrays.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
