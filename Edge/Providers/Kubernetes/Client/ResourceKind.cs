using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// How to reach one kind on the API server: its group/version path, plural, scope, and how to
/// read it. Generic so each kind deserialises through Edge's AOT JSON context (<see cref="KubeJsonContext"/>).
/// </summary>
public sealed class ResourceKind<T, TList>
    where T : class, k8s.IKubernetesObject<V1ObjectMeta>
    where TList : class
{
    public required string Name { get; init; }
    public required string GroupVersionPath { get; init; }   // "/api/v1" or "/apis/networking.k8s.io/v1"
    public required string Plural { get; init; }
    public required bool Namespaced { get; init; }
    public required Func<TList, IList<T>?> Items { get; init; }
    public required Func<TList, V1ListMeta?> ListMeta { get; init; }
    // Resolved on first use (issue 18, start): configuring a kind's JSON metadata walks its whole
    // type graph, and most kinds (nodes, namespaces, the CRDs) are never watched in a given setup.
    public required Func<System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>> ItemJsonOf { get; init; }
    public required Func<System.Text.Json.Serialization.Metadata.JsonTypeInfo<TList>> ListJsonOf { get; init; }
    public System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> ItemJson => _itemJson ??= ItemJsonOf();
    public System.Text.Json.Serialization.Metadata.JsonTypeInfo<TList> ListJson => _listJson ??= ListJsonOf();
    private System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>? _itemJson;
    private System.Text.Json.Serialization.Metadata.JsonTypeInfo<TList>? _listJson;

    /// <summary>The collection path, namespaced when <paramref name="ns"/> is set.</summary>
    public string CollectionPath(string? ns) =>
        Namespaced && !string.IsNullOrEmpty(ns)
            ? $"{GroupVersionPath}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
            : $"{GroupVersionPath}/{Plural}";
}

public static class ResourceKinds
{
    public static readonly ResourceKind<V1Ingress, V1IngressList> Ingress = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.V1Ingress, ListJsonOf = () => KubeJsonContext.Default.V1IngressList,
        Name = "Ingress", GroupVersionPath = "/apis/networking.k8s.io/v1", Plural = "ingresses", Namespaced = true,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    public static readonly ResourceKind<V1IngressClass, V1IngressClassList> IngressClass = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.V1IngressClass, ListJsonOf = () => KubeJsonContext.Default.V1IngressClassList,
        Name = "IngressClass", GroupVersionPath = "/apis/networking.k8s.io/v1", Plural = "ingressclasses", Namespaced = false,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    public static readonly ResourceKind<V1Service, V1ServiceList> Service = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.V1Service, ListJsonOf = () => KubeJsonContext.Default.V1ServiceList,
        Name = "Service", GroupVersionPath = "/api/v1", Plural = "services", Namespaced = true,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    public static readonly ResourceKind<V1EndpointSlice, V1EndpointSliceList> EndpointSlice = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.V1EndpointSlice, ListJsonOf = () => KubeJsonContext.Default.V1EndpointSliceList,
        Name = "EndpointSlice", GroupVersionPath = "/apis/discovery.k8s.io/v1", Plural = "endpointslices", Namespaced = true,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    public static readonly ResourceKind<V1Secret, V1SecretList> Secret = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.V1Secret, ListJsonOf = () => KubeJsonContext.Default.V1SecretList,
        Name = "Secret", GroupVersionPath = "/api/v1", Plural = "secrets", Namespaced = true,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    public static readonly ResourceKind<V1Node, V1NodeList> Node = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.V1Node, ListJsonOf = () => KubeJsonContext.Default.V1NodeList,
        Name = "Node", GroupVersionPath = "/api/v1", Plural = "nodes", Namespaced = false,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    public static readonly ResourceKind<V1Namespace, V1NamespaceList> Namespace = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.V1Namespace, ListJsonOf = () => KubeJsonContext.Default.V1NamespaceList,
        Name = "Namespace", GroupVersionPath = "/api/v1", Plural = "namespaces", Namespaced = false,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    /// <summary>Traefik's CRD provider (providers.kubernetesCRD); its CustomResourceDefinitions may not be installed.</summary>
    public static readonly ResourceKind<TraefikMiddleware, TraefikMiddlewareList> Middleware = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.TraefikMiddleware, ListJsonOf = () => KubeJsonContext.Default.TraefikMiddlewareList,
        Name = "Middleware", GroupVersionPath = "/apis/traefik.io/v1alpha1", Plural = "middlewares", Namespaced = true,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    /// <summary>A Traefik route kind read as JSON (see <see cref="TraefikObject"/>); its CRD may not be installed.</summary>
    private static ResourceKind<TraefikObject, TraefikObjectList> Traefik(string name, string plural) => new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.TraefikObject, ListJsonOf = () => KubeJsonContext.Default.TraefikObjectList,
        Name = name, GroupVersionPath = "/apis/traefik.io/v1alpha1", Plural = plural, Namespaced = true,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    public static readonly ResourceKind<TraefikObject, TraefikObjectList> IngressRoute = Traefik("IngressRoute", "ingressroutes");
    public static readonly ResourceKind<TraefikObject, TraefikObjectList> TraefikService = Traefik("TraefikService", "traefikservices");

    /// <summary>Kinds of Traefik's CRD provider that Edge does not serve yet: watched only to name each object once in the log.</summary>
    public static readonly IReadOnlyList<ResourceKind<TraefikObject, TraefikObjectList>> Unserved =
    [
        Traefik("IngressRouteTCP", "ingressroutetcps"), Traefik("IngressRouteUDP", "ingressrouteudps"),
        Traefik("MiddlewareTCP", "middlewaretcps"), Traefik("ServersTransportTCP", "serverstransporttcps"),
    ];
    public static readonly ResourceKind<TraefikTlsOption, TraefikTlsOptionList> TlsOption = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.TraefikTlsOption, ListJsonOf = () => KubeJsonContext.Default.TraefikTlsOptionList,
        Name = "TLSOption", GroupVersionPath = "/apis/traefik.io/v1alpha1", Plural = "tlsoptions", Namespaced = true,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    public static readonly ResourceKind<TraefikTlsStore, TraefikTlsStoreList> TlsStore = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.TraefikTlsStore, ListJsonOf = () => KubeJsonContext.Default.TraefikTlsStoreList,
        Name = "TLSStore", GroupVersionPath = "/apis/traefik.io/v1alpha1", Plural = "tlsstores", Namespaced = true,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };

    public static readonly ResourceKind<TraefikServersTransport, TraefikServersTransportList> ServersTransport = new()
    {
        ItemJsonOf = () => KubeJsonContext.Default.TraefikServersTransport, ListJsonOf = () => KubeJsonContext.Default.TraefikServersTransportList,
        Name = "ServersTransport", GroupVersionPath = "/apis/traefik.io/v1alpha1", Plural = "serverstransports", Namespaced = true,
        Items = l => l.Items, ListMeta = l => l.Metadata,
    };
}
