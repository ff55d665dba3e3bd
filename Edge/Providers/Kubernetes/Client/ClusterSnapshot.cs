using System.Collections.Immutable;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// An immutable view of the informer caches at one instant. Translation reads only this, which is
/// what makes it a pure function that tests can feed from YAML fixtures.
/// </summary>
public sealed record ClusterSnapshot(
    ImmutableArray<V1Ingress> Ingresses,
    ImmutableArray<V1IngressClass> IngressClasses,
    ImmutableDictionary<string, V1Service> Services,             // key: namespace/name
    ImmutableDictionary<string, ImmutableArray<V1EndpointSlice>> EndpointSlices, // key: namespace/serviceName
    ImmutableDictionary<string, V1Secret> Secrets,               // key: namespace/name
    ImmutableArray<V1Node> Nodes)
{
    public static ClusterSnapshot Empty { get; } = new(
        [], [], ImmutableDictionary<string, V1Service>.Empty,
        ImmutableDictionary<string, ImmutableArray<V1EndpointSlice>>.Empty,
        ImmutableDictionary<string, V1Secret>.Empty, []);

    /// <summary>
    /// Namespace objects by name, watched only in tenancy mode (administrators' per-namespace
    /// annotations: allowed hosts, request limits). Empty otherwise.
    /// </summary>
    public ImmutableDictionary<string, V1Namespace> Namespaces { get; init; } = ImmutableDictionary<string, V1Namespace>.Empty;

    /// <summary>Traefik Middleware objects (providers.kubernetesCRD), sorted by namespace and name. Empty without that provider.</summary>
    public ImmutableArray<TraefikMiddleware> Middlewares { get; init; } = [];

    /// <summary>Traefik IngressRoute objects (providers.kubernetesCRD), sorted by namespace and name.</summary>
    public ImmutableArray<TraefikObject> IngressRoutes { get; init; } = [];

    /// <summary>Traefik TraefikService objects (providers.kubernetesCRD), sorted by namespace and name.</summary>
    public ImmutableArray<TraefikObject> TraefikServices { get; init; } = [];

    /// <summary>Traefik IngressRouteTCP objects (providers.kubernetesCRD), sorted by namespace and name.</summary>
    public ImmutableArray<TraefikObject> IngressRouteTcps { get; init; } = [];

    /// <summary>Traefik MiddlewareTCP objects (providers.kubernetesCRD), sorted by namespace and name.</summary>
    public ImmutableArray<TraefikObject> MiddlewareTcps { get; init; } = [];
    public ImmutableArray<TraefikObject> ServersTransportTcps { get; init; } = [];
    public ImmutableArray<TraefikObject> IngressRouteUdps { get; init; } = [];

    /// <summary>Objects of the CRD provider's kinds Edge does not serve yet (IngressRouteTCP, ...), by name only.</summary>
    public ImmutableArray<UnservedObject> UnservedObjects { get; init; } = [];
    /// <summary>Traefik TLSOption objects (providers.kubernetesCRD), sorted by namespace and name.</summary>
    public ImmutableArray<TraefikTlsOption> TlsOptions { get; init; } = [];

    /// <summary>Traefik TLSStore objects (providers.kubernetesCRD), sorted by namespace and name.</summary>
    public ImmutableArray<TraefikTlsStore> TlsStores { get; init; } = [];

    /// <summary>Traefik ServersTransport objects (providers.kubernetesCRD), sorted by namespace and name.</summary>
    public ImmutableArray<TraefikServersTransport> ServersTransports { get; init; } = [];

    /// <summary>Objects sorted the way every CRD translation reads them: by namespace, then name.</summary>
    public static ImmutableArray<T> Sorted<T>(IEnumerable<T> items) where T : k8s.IKubernetesObject<V1ObjectMeta> =>
        items.OrderBy(m => m.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata?.Name, StringComparer.Ordinal).ToImmutableArray();

    public static string Key(string? ns, string? name) => $"{ns}/{name}";

    public V1Service? GetService(string ns, string name) => Services.GetValueOrDefault(Key(ns, name));

    public V1Secret? GetSecret(string ns, string name) => Secrets.GetValueOrDefault(Key(ns, name));

    public ImmutableArray<V1EndpointSlice> GetEndpointSlicesForService(string ns, string serviceName) =>
        EndpointSlices.TryGetValue(Key(ns, serviceName), out var slices) ? slices : [];

    /// <summary>Builds a snapshot from loose objects (fixtures, the offline renderer).</summary>
    public static ClusterSnapshot FromObjects(IEnumerable<object> objects)
    {
        var ingresses = ImmutableArray.CreateBuilder<V1Ingress>();
        var classes = ImmutableArray.CreateBuilder<V1IngressClass>();
        var services = ImmutableDictionary.CreateBuilder<string, V1Service>();
        var slices = new Dictionary<string, List<V1EndpointSlice>>();
        var secrets = ImmutableDictionary.CreateBuilder<string, V1Secret>();
        var nodes = ImmutableArray.CreateBuilder<V1Node>();
        var namespaces = ImmutableDictionary.CreateBuilder<string, V1Namespace>();
        var middlewares = ImmutableArray.CreateBuilder<TraefikMiddleware>();
        var routes = new List<TraefikObject>();
        var tcpRoutes = new List<TraefikObject>();
        var tcpMiddlewares = new List<TraefikObject>();
        var tcpTransports = new List<TraefikObject>();
        var udpRoutes = new List<TraefikObject>();
        var traefikServices = new List<TraefikObject>();
        var unserved = new List<UnservedObject>();
        var tlsOptions = new List<TraefikTlsOption>();
        var tlsStores = new List<TraefikTlsStore>();
        var transports = new List<TraefikServersTransport>();
        foreach (var o in objects)
        {
            switch (o)
            {
                case V1Ingress i: ingresses.Add(i); break;
                case V1IngressClass c: classes.Add(c); break;
                case V1Service s: services[Key(s.Metadata?.NamespaceProperty, s.Metadata?.Name)] = s; break;
                case V1Secret s: secrets[Key(s.Metadata?.NamespaceProperty, s.Metadata?.Name)] = s; break;
                case V1Node n: nodes.Add(n); break;
                case TraefikMiddleware m: middlewares.Add(m); break;
                case TraefikTlsOption t: tlsOptions.Add(t); break;
                case TraefikTlsStore t: tlsStores.Add(t); break;
                case TraefikServersTransport t: transports.Add(t); break;
                case TraefikObject { Kind: "IngressRoute" } r: routes.Add(r); break;
                case TraefikObject { Kind: "TraefikService" } t: traefikServices.Add(t); break;
                case TraefikObject { Kind: "IngressRouteTCP" } t: tcpRoutes.Add(t); break;
                case TraefikObject { Kind: "MiddlewareTCP" } t: tcpMiddlewares.Add(t); break;
                case TraefikObject { Kind: "ServersTransportTCP" } t: tcpTransports.Add(t); break;
                case TraefikObject { Kind: "IngressRouteUDP" } t: udpRoutes.Add(t); break;
                case TraefikObject t: unserved.Add(new UnservedObject(t.Kind, t.Metadata?.NamespaceProperty ?? "", t.Metadata?.Name ?? "")); break;
                case V1Namespace n when n.Metadata?.Name is { } nsName: namespaces[nsName] = n; break;
                case V1EndpointSlice e:
                    string? svc = null;
                    e.Metadata?.Labels?.TryGetValue("kubernetes.io/service-name", out svc);
                    if (svc is null) break;
                    var key = Key(e.Metadata?.NamespaceProperty, svc);
                    if (!slices.TryGetValue(key, out var list)) slices[key] = list = new();
                    list.Add(e);
                    break;
            }
        }
        return new ClusterSnapshot(ingresses.ToImmutable(), classes.ToImmutable(), services.ToImmutable(),
            slices.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray()),
            secrets.ToImmutable(), nodes.ToImmutable())
        {
            Namespaces = namespaces.ToImmutable(),
            IngressRoutes = [.. routes.OrderBy(m => m.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata?.Name, StringComparer.Ordinal)],
            TraefikServices = [.. traefikServices.OrderBy(m => m.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata?.Name, StringComparer.Ordinal)],
            UnservedObjects = [.. unserved],
            IngressRouteTcps = [.. tcpRoutes.OrderBy(m => m.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata?.Name, StringComparer.Ordinal)],
            MiddlewareTcps = [.. tcpMiddlewares.OrderBy(m => m.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata?.Name, StringComparer.Ordinal)],
            ServersTransportTcps = [.. tcpTransports.OrderBy(m => m.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata?.Name, StringComparer.Ordinal)],
            IngressRouteUdps = [.. udpRoutes.OrderBy(m => m.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata?.Name, StringComparer.Ordinal)],
            Middlewares = middlewares.OrderBy(m => m.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata?.Name, StringComparer.Ordinal).ToImmutableArray(),
            TlsOptions = Sorted(tlsOptions),
            TlsStores = Sorted(tlsStores),
            ServersTransports = Sorted(transports),
        };
    }
}

/// <summary>An object of a kind Edge watches only to say it is not served.</summary>
public sealed record UnservedObject(string Kind, string Namespace, string Name);
