using k8s.Models;

namespace Edge.Tests.FakeApi;

/// <summary>
/// The fixed set of resources the fake knows. A table rather than reflection keeps routing, discovery
/// and the typed helpers (Upsert/Get) in agreement, and keeps everything trimming-safe.
/// </summary>
internal static class ResourceCatalog
{
    public static readonly IReadOnlyList<ResourceType> All =
    [
        new("", "v1", "services", "Service", Namespaced: true, HasStatus: true, typeof(V1Service)),
        new("", "v1", "secrets", "Secret", Namespaced: true, HasStatus: false, typeof(V1Secret)),
        new("", "v1", "nodes", "Node", Namespaced: false, HasStatus: true, typeof(V1Node)),
        new("", "v1", "namespaces", "Namespace", Namespaced: false, HasStatus: true, typeof(V1Namespace)),
        new("", "v1", "events", "Event", Namespaced: true, HasStatus: false, typeof(Corev1Event)),
        new("", "v1", "endpoints", "Endpoints", Namespaced: true, HasStatus: false, typeof(V1Endpoints)),
        new("networking.k8s.io", "v1", "ingresses", "Ingress", Namespaced: true, HasStatus: true, typeof(V1Ingress)),
        new("networking.k8s.io", "v1", "ingressclasses", "IngressClass", Namespaced: false, HasStatus: false, typeof(V1IngressClass)),
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", Namespaced: true, HasStatus: false, typeof(V1EndpointSlice)),
        new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true, HasStatus: false, typeof(V1Lease)),
        new("events.k8s.io", "v1", "events", "Event", Namespaced: true, HasStatus: false, typeof(Eventsv1Event)),
        // Traefik's CustomResourceDefinitions: no KubernetesClient model, stored and served as JSON (UpsertJson).
        new("traefik.io", "v1alpha1", "middlewares", "Middleware", Namespaced: true, HasStatus: false, null),
        new("traefik.io", "v1alpha1", "ingressroutes", "IngressRoute", Namespaced: true, HasStatus: false, null),
        new("traefik.io", "v1alpha1", "traefikservices", "TraefikService", Namespaced: true, HasStatus: false, null),
        new("traefik.io", "v1alpha1", "ingressroutetcps", "IngressRouteTCP", Namespaced: true, HasStatus: false, null),
        new("traefik.io", "v1alpha1", "ingressrouteudps", "IngressRouteUDP", Namespaced: true, HasStatus: false, null),
        new("traefik.io", "v1alpha1", "middlewaretcps", "MiddlewareTCP", Namespaced: true, HasStatus: false, null),
        new("traefik.io", "v1alpha1", "serverstransporttcps", "ServersTransportTCP", Namespaced: true, HasStatus: false, null),
        new("traefik.io", "v1alpha1", "tlsoptions", "TLSOption", Namespaced: true, HasStatus: false, null),
        new("traefik.io", "v1alpha1", "tlsstores", "TLSStore", Namespaced: true, HasStatus: false, null),
        new("traefik.io", "v1alpha1", "serverstransports", "ServersTransport", Namespaced: true, HasStatus: false, null),
    ];

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    /// <summary>Core Event and events.k8s.io Event share a kind, so the CLR type is the unambiguous key.</summary>
    public static ResourceType? ForClrType(Type type) => All.FirstOrDefault(r => r.ClrType == type);

    public static ResourceType? ForKind(string? apiVersion, string kind) =>
        All.FirstOrDefault(r => r.Kind == kind && (apiVersion is null || r.ApiVersion == apiVersion));

    public static IEnumerable<string> Groups => All.Where(r => r.Group.Length > 0).Select(r => r.Group).Distinct();
}
