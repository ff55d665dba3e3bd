using Edge.DataPlane.Routing.Rules;
using Edge.Model;
using Edge.Tenancy;

namespace Edge.DataPlane.Routing.Table;

public sealed partial class RouteTable
{
    /// <summary>
    /// A new table equal to compiling this one's routers with <paramref name="removed"/> taken out
    /// and <paramref name="upserted"/> put in (added, or replacing the router of the same name).
    /// Only what those routers touch is rebuilt: their entries, the host buckets of their old and
    /// new rules, and the fallback list if one of them is there; every other entry and bucket is
    /// shared with this table, which stays as it was (requests in flight keep using it).
    /// </summary>
    public RouteTableCompilation Patch(IReadOnlyCollection<string> removed, IReadOnlyList<(string Name, Router Router)> upserted,
        RuleSyntax defaultSyntax, HostOwnership? ownership)
    {
        if (removed.Count == 0 && upserted.Count == 0 && ReferenceEquals(ownership, _ownership))
        {
            return new RouteTableCompilation(this, SortedErrors());
        }

        // The entries leaving: every named router's current entry (an upserted one is compiled anew).
        var gone = new List<RouteEntry>();
        Dictionary<string, RuleError>? errors = null;
        void Leave(string name)
        {
            if (_byName.TryGetValue(name, out var old)) gone.Add(old);
            if (_errors.ContainsKey(name)) (errors ??= new Dictionary<string, RuleError>(_errors, StringComparer.Ordinal)).Remove(name);
        }

        foreach (string name in removed) Leave(name);
        foreach (var (name, _) in upserted) Leave(name);

        var added = new List<RouteEntry>();
        foreach (var (name, router) in upserted)
        {
            switch (Admit(name, router, EntryPoint, Tls, defaultSyntax, _precedence, out var entry, out var error))
            {
                case true: added.Add(entry!); break;
                case false: (errors ??= new Dictionary<string, RuleError>(_errors, StringComparer.Ordinal))[name] = error!; break;
            }
        }

        added.Sort(RouteEntry.Compare);
        var goneSet = new HashSet<RouteEntry>(gone, ReferenceEqualityComparer.Instance);
        var byName = _byName;
        if (gone.Count > 0 || added.Count > 0)
        {
            byName = new Dictionary<string, RouteEntry>(_byName, StringComparer.Ordinal);
            foreach (var e in gone) byName.Remove(e.Name);
            foreach (var e in added) byName[e.Name] = e;
        }

        var routes = Merge(_routes, goneSet, added);
        var exact = PatchIndex(_exact, gone, added, goneSet, static k => k.Exact);
        var suffix = PatchIndex(_suffix, gone, added, goneSet, static k => k.Suffixes);
        var fallback = gone.Any(static e => e.Rule.HostKeys is null) || added.Any(static e => e.Rule.HostKeys is null)
            ? Merge(_fallback, goneSet, added.Where(static e => e.Rule.HostKeys is null).ToList())
            : _fallback;
        var table = new RouteTable(EntryPoint, Tls, routes, fallback, exact, suffix, ownership, byName, errors ?? _errors, _precedence);
        return new RouteTableCompilation(table, table.SortedErrors());
    }

    /// <summary><paramref name="sorted"/> without <paramref name="gone"/>, with <paramref name="added"/> (sorted) merged in order.</summary>
    private static RouteEntry[] Merge(RouteEntry[] sorted, HashSet<RouteEntry> gone, List<RouteEntry> added)
    {
        if (added.Count == 0 && gone.Count == 0)
        {
            return sorted;
        }

        var result = new List<RouteEntry>(sorted.Length + added.Count);
        int a = 0;
        foreach (RouteEntry e in sorted)
        {
            if (gone.Count > 0 && gone.Contains(e))
            {
                continue;
            }

            while (a < added.Count && RouteEntry.Compare(added[a], e) < 0)
            {
                result.Add(added[a++]);
            }

            result.Add(e);
        }

        while (a < added.Count)
        {
            result.Add(added[a++]);
        }

        return [.. result];
    }

    /// <summary>The host index with the buckets of the leaving and arriving entries' keys recomputed; the same object when none is touched.</summary>
    private static Dictionary<string, RouteEntry[]> PatchIndex(Dictionary<string, RouteEntry[]> index, List<RouteEntry> gone, List<RouteEntry> added,
        HashSet<RouteEntry> goneSet, Func<HostIndexKeys, List<string>> keysOf)
    {
        var arriving = new Dictionary<string, List<RouteEntry>>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in added)
        {
            if (e.Rule.HostKeys is not { } keys) continue;
            // added is sorted, so each arriving list is too (an Or of the same host twice lists the router once).
            foreach (var key in keysOf(keys))
            {
                if (!arriving.TryGetValue(key, out var list)) arriving[key] = list = [];
                if (list.Count == 0 || !ReferenceEquals(list[^1], e)) list.Add(e);
            }
        }

        var touched = new HashSet<string>(arriving.Keys, StringComparer.OrdinalIgnoreCase);
        foreach (var e in gone)
            if (e.Rule.HostKeys is { } keys) touched.UnionWith(keysOf(keys));
        if (touched.Count == 0)
        {
            return index;
        }

        var next = new Dictionary<string, RouteEntry[]>(index, StringComparer.OrdinalIgnoreCase);
        foreach (var key in touched)
        {
            var bucket = Merge(index.GetValueOrDefault(key) ?? [], goneSet, arriving.GetValueOrDefault(key) ?? []);
            if (bucket.Length == 0) next.Remove(key);
            else next[key] = bucket;
        }

        return next;
    }
}
