using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Tenancy;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Ingress.Tenancy;

/// <summary>What tenancy made of a configuration: a new configuration, and what to tell whom.</summary>
/// <param name="Config">The input's routers and certificates, those tenancy restricts replaced by restricted copies, with the host ownership and namespace limits.</param>
/// <param name="Issues">One per Ingress and host not (or not fully) served, and per malformed Namespace annotation.</param>
/// <param name="Warnings">What to tell each affected Ingress's namespace through a Kubernetes Event.</param>
public sealed record TenancyOutcome(DynamicConfig Config, IReadOnlyList<TranslationIssue> Issues, IReadOnlyList<IngressWarning> Warnings);

/// <summary>
/// Tenancy mode, applied to a finished translation:
/// <list type="bullet">
/// <item>a host belongs to the namespace whose claiming Ingress (rule host or tls.hosts) is oldest
/// (creationTimestamp, then namespace/name); other namespaces' routers for it are disabled;</item>
/// <item>a wildcard claim (<c>*.a.example.com</c>, one label, oldest of identical claims) owns only
/// the names under it that nobody claims exactly; its routers stay served for the rest, with a
/// warning naming the names they lose; the data plane enforces ownership per request host
/// (<see cref="HostOwnership"/>), so no other namespace's wildcard or host-less router can match an owned host;</item>
/// <item>a namespace whose Namespace object carries <c>edge.io/allowed-hosts</c> may only claim those hosts;</item>
/// <item>a rule without a host matches every host, so only <c>tenancy.defaultBackendNamespaces</c> may declare one;</item>
/// <item>a certificate is offered only for hosts its Secret's namespace owns;</item>
/// <item>hosts are compared in their normal form (<see cref="HostName"/>);</item>
/// <item>each namespace's request limits are resolved for the data plane.</item>
/// </list>
/// A pure function: the configuration it is given is never modified (its routers and certificates
/// may be the translation memo's, handed out again by the next translation). A router it disables
/// or warns about is replaced in the result by a copy carrying <see cref="Router.DisabledReason"/>
/// or <see cref="Router.Warning"/>, which /api/rawdata explains and the data plane never compiles.
/// </summary>
public static class TenancyPolicy
{
    public const string HostConflictReason = "HostConflict";
    public const string HostNotAllowedReason = "HostNotAllowed";
    public const string CatchAllNotAllowedReason = "CatchAllNotAllowed";

    private sealed record Claim(V1Ingress Ingress, string Namespace, string Name, DateTime Created);

    /// <param name="merged">The Ingress provider's configuration, every Ingress merged (not modified).</param>
    /// <param name="processed">The Ingresses it was translated from (those of the provider's class).</param>
    public static TenancyOutcome Apply(DynamicConfig merged, IReadOnlyList<V1Ingress> processed, ClusterSnapshot snapshot, ProviderOptions options)
    {
        var issues = new List<TranslationIssue>();
        var warnings = new List<IngressWarning>();
        var patterns = new Dictionary<string, HostPatterns?>(StringComparer.Ordinal);
        HostPatterns? Patterns(string ns) =>
            patterns.TryGetValue(ns, out var p) ? p : patterns[ns] = NamespacePolicy.AllowedHosts(snapshot, ns);

        var owners = Owners(processed, Patterns);
        var underWildcard = ExactClaimsByParent(owners);
        var byName = new Dictionary<string, V1Ingress>(StringComparer.Ordinal);
        foreach (var i in processed) byName[Key(i)] = i;
        var reported = new HashSet<(string Ingress, string Host)>();
        var catchAllNamespaces = new HashSet<string>(options.Tenancy.DefaultBackendNamespaces, StringComparer.Ordinal);

        var routers = new SortedDictionary<string, Router>(StringComparer.Ordinal);
        foreach (var (routerName, router) in merged.Http.Routers)
        {
            routers[routerName] = router;
            if (router.SourceHost is not { } host) continue;
            var ns = router.Namespace ?? "default";
            var ingressName = router.Observability?.Metadata?.Ingress?.IngressName ?? "";
            var ingressKey = ns + "/" + ingressName;
            string? reason = null, eventReason = null;
            if (host.Length == 0)
            {
                if (!catchAllNamespaces.Contains(ns))
                {
                    reason = $"a rule without a host matches every tenant's hosts; namespace \"{ns}\" is not in tenancy.defaultBackendNamespaces";
                    eventReason = CatchAllNotAllowedReason;
                }
            }
            else if (Patterns(ns) is { } allowed && !allowed.Allows(host))
            {
                reason = $"host \"{host}\" is not allowed for namespace \"{ns}\" (its {NamespacePolicy.AllowedHostsAnnotation}: \"{allowed.Text}\")";
                eventReason = HostNotAllowedReason;
            }
            else if (owners.TryGetValue(host, out var owner) && owner.Namespace != ns)
            {
                reason = $"host \"{host}\" belongs to namespace \"{owner.Namespace}\" (Ingress {owner.Namespace}/{owner.Name} claimed it first)";
                eventReason = HostConflictReason;
            }
            if (reason is null)
            {
                if (HostName.IsWildcard(host) && WildcardLosses(host, ns, underWildcard) is { } lost)
                {
                    // Served, but not for names other namespaces claim exactly (the route table enforces it).
                    routers[routerName] = router.With(warning: lost);
                    if (!reported.Add((ingressKey, host))) continue;
                    var note = $"rules for host \"{host}\" are served except for names other namespaces own: {lost}";
                    issues.Add(new TranslationIssue("Ingress", ns, ingressName, note));
                    if (byName.TryGetValue(ingressKey, out var wildIngress)) warnings.Add(new IngressWarning(wildIngress, HostConflictReason, note));
                }
                continue;
            }
            routers[routerName] = router.With(disabledReason: reason);
            if (!reported.Add((ingressKey, host))) continue;
            var message = $"rules for {(host.Length == 0 ? "all hosts" : "host \"" + host + "\"")} are not served: {reason}";
            issues.Add(new TranslationIssue("Ingress", ns, ingressName, message));
            if (byName.TryGetValue(ingressKey, out var ingress)) warnings.Add(new IngressWarning(ingress, eventReason!, message));
        }

        var limits = new Dictionary<string, NamespaceLimits>(StringComparer.Ordinal);
        foreach (var ns in processed.Select(i => i.Metadata?.NamespaceProperty ?? "default").Distinct(StringComparer.Ordinal))
        {
            var l = NamespacePolicy.Limits(snapshot, ns, options.Tenancy, m => issues.Add(new TranslationIssue("Namespace", "", ns, m)));
            if (l.Any) limits[ns] = l;
        }

        var config = new DynamicConfig
        {
            Http = new HttpConfig
            {
                Routers = routers, Services = merged.Http.Services, Middlewares = merged.Http.Middlewares,
                ServersTransports = merged.Http.ServersTransports,
            },
            Tcp = merged.Tcp,
            Tls = merged.Tls is { } tls ? new TlsConfig
            {
                Certificates = RestrictCertificates(tls.Certificates, processed, owners), Options = tls.Options, Stores = tls.Stores,
            } : null,
            HostOwnership = Ownership(owners),
            NamespaceLimits = limits,
        };
        return new TenancyOutcome(config, issues, warnings);
    }

    /// <summary>The owner of every claimed host: the oldest claiming Ingress among namespaces allowed to claim it.</summary>
    private static Dictionary<string, Claim> Owners(IReadOnlyList<V1Ingress> processed, Func<string, HostPatterns?> patterns)
    {
        var owners = new Dictionary<string, Claim>(StringComparer.Ordinal);   // keys are normal forms
        foreach (var ingress in processed)
        {
            var ns = ingress.Metadata?.NamespaceProperty ?? "default";
            var claim = new Claim(ingress, ns, ingress.Metadata?.Name ?? "", ingress.Metadata?.CreationTimestamp ?? DateTime.MaxValue);
            foreach (var host in DeclaredHosts(ingress))
            {
                if (patterns(ns) is { } allowed && !allowed.Allows(host)) continue;
                if (!owners.TryGetValue(host, out var current) || Older(claim, current)) owners[host] = claim;
            }
        }
        return owners;
    }

    /// <summary>The runtime table: exact owners, and wildcard owners keyed by the suffix their one label hangs from.</summary>
    private static HostOwnership Ownership(Dictionary<string, Claim> owners)
    {
        var exact = new Dictionary<string, string>(StringComparer.Ordinal);
        var wildcards = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (host, claim) in owners)
        {
            if (HostName.IsWildcard(host)) wildcards[host[2..]] = claim.Namespace;
            else exact[host] = claim.Namespace;
        }
        return new HostOwnership(exact, wildcards);
    }

    /// <summary>Exact claims grouped by the suffix a one-label wildcard covering them would have.</summary>
    private static Dictionary<string, List<(string Host, Claim Owner)>> ExactClaimsByParent(Dictionary<string, Claim> owners)
    {
        var byParent = new Dictionary<string, List<(string, Claim)>>(StringComparer.Ordinal);
        foreach (var (host, claim) in owners)
        {
            if (HostName.IsWildcard(host)) continue;
            var parent = HostName.WildcardParent(host).ToString();
            if (parent.Length == 0) continue;
            if (!byParent.TryGetValue(parent, out var list)) byParent[parent] = list = [];
            list.Add((host, claim));
        }
        return byParent;
    }

    /// <summary>The names under <paramref name="wildcard"/> that other namespaces own exactly, as a sentence; null when none.</summary>
    private static string? WildcardLosses(string wildcard, string ns, Dictionary<string, List<(string Host, Claim Owner)>> underWildcard)
    {
        if (!underWildcard.TryGetValue(wildcard[2..], out var claims)) return null;
        var lost = claims.Where(c => c.Owner.Namespace != ns).OrderBy(c => c.Host, StringComparer.Ordinal)
            .Select(c => $"host \"{c.Host}\" belongs to namespace \"{c.Owner.Namespace}\" (Ingress {c.Owner.Namespace}/{c.Owner.Name} claims it exactly)")
            .ToList();
        return lost.Count == 0 ? null : string.Join("; ", lost);
    }

    private static bool Older(Claim a, Claim b)
    {
        int c = a.Created.CompareTo(b.Created);
        if (c != 0) return c < 0;
        c = string.CompareOrdinal(a.Namespace, b.Namespace);
        return c != 0 ? c < 0 : string.CompareOrdinal(a.Name, b.Name) < 0;
    }

    /// <summary>Each certificate, as a copy offered only for hosts its own namespace declares and owns.</summary>
    private static List<CertAndStores> RestrictCertificates(List<CertAndStores> certificates, IReadOnlyList<V1Ingress> processed,
        Dictionary<string, Claim> owners)
    {
        var owned = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var ingress in processed)
        {
            var ns = ingress.Metadata?.NamespaceProperty ?? "default";
            if (!owned.TryGetValue(ns, out var hosts)) owned[ns] = hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var host in DeclaredHosts(ingress))
                if (owners.TryGetValue(host, out var owner) && owner.Namespace == ns) hosts.Add(host);
        }
        return certificates.Select(c => c.AllowedOnly(owned.TryGetValue(c.Namespace ?? "", out var hosts) ? hosts : [])).ToList();
    }

    /// <summary>
    /// The hosts an Ingress claims, in normal form: its rule hosts and its tls.hosts. Names that are
    /// not valid claim nothing (the translator has reported them).
    /// </summary>
    public static IEnumerable<string> DeclaredHosts(V1Ingress ingress)
    {
        foreach (var r in ingress.Spec?.Rules ?? [])
            if (!string.IsNullOrEmpty(r.Host) && HostName.Normalize(r.Host) is { } host) yield return host;
        foreach (var t in ingress.Spec?.Tls ?? [])
            foreach (var h in t.Hosts ?? [])
                if (!string.IsNullOrEmpty(h) && HostName.Normalize(h) is { } host) yield return host;
    }

    private static string Key(V1Ingress i) => (i.Metadata?.NamespaceProperty ?? "default") + "/" + i.Metadata?.Name;
}
