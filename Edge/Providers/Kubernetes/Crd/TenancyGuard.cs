using System.Collections.Immutable;
using Edge.Configuration;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Tenancy mode for the CRD provider, failing closed where a tenant's object would reach other
/// tenants: IngressRoutes are not served (Edge does not apply host ownership and certificate
/// scoping to them yet, so a tenant could claim another's host), and the objects that act for
/// every tenant — a TLSStore (its default certificate is offered to every unmatched name) and the
/// TLSOption named <c>default</c> (every router's options) — are honoured only from the namespaces
/// the administrator allowed (<c>tenancy.defaultBackendNamespaces</c>). Each one left out is named.
/// </summary>
public static class TenancyGuard
{
    public static ClusterSnapshot Restrict(ClusterSnapshot snapshot, TenancyOptions tenancy, List<TranslationIssue> issues)
    {
        var admin = tenancy.DefaultBackendNamespaces.ToHashSet(StringComparer.Ordinal);
        foreach (var r in snapshot.IngressRoutes)
            issues.Add(new TranslationIssue("IngressRoute", r.Metadata?.NamespaceProperty ?? "", r.Metadata?.Name ?? "",
                "IngressRoutes are not served in tenancy mode yet (host ownership is not applied to them); the object is ignored"));
        // A tenant's TCP router could be a HostSNI(`*`) catch-all taking every connection of an entry
        // point from every other tenant: refused until SNI ownership is checked for TCP too.
        foreach (var r in snapshot.IngressRouteTcps)
            issues.Add(new TranslationIssue("IngressRouteTCP", r.Metadata?.NamespaceProperty ?? "", r.Metadata?.Name ?? "",
                "IngressRouteTCPs are not served in tenancy mode yet (SNI ownership and the catch-all rule are not applied to them); the object is ignored"));
        // A UDP router has no rule: a tenant's would take the whole UDP entry point.
        foreach (var r in snapshot.IngressRouteUdps)
            issues.Add(new TranslationIssue("IngressRouteUDP", r.Metadata?.NamespaceProperty ?? "", r.Metadata?.Name ?? "",
                "IngressRouteUDPs are not served in tenancy mode (a UDP router takes its whole entry point, for every tenant); the object is ignored"));
        var stores = Keep(snapshot.TlsStores, "TLSStore", admin, issues, _ => true);
        var options = Keep(snapshot.TlsOptions, "TLSOption", admin, issues, o => o.Metadata?.Name == "default");
        return snapshot with { IngressRoutes = [], IngressRouteTcps = [], IngressRouteUdps = [], TlsStores = stores, TlsOptions = options };
    }

    private static ImmutableArray<T> Keep<T>(ImmutableArray<T> items, string kind, HashSet<string> admin, List<TranslationIssue> issues, Func<T, bool> global)
        where T : k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
    {
        var kept = ImmutableArray.CreateBuilder<T>();
        foreach (var item in items)
        {
            var ns = item.Metadata?.NamespaceProperty ?? "";
            if (global(item) && !admin.Contains(ns))
                issues.Add(new TranslationIssue(kind, ns, item.Metadata?.Name ?? "",
                    $"in tenancy mode a {kind} that applies to every tenant is honoured only from tenancy.defaultBackendNamespaces; the object is ignored"));
            else kept.Add(item);
        }
        return kept.ToImmutable();
    }
}
