using System.Collections.Immutable;
using Edge.Configuration;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// The informers Edge needs for the provider options, and the snapshot taken across them.
/// With <c>namespaces</c> set, every informer is namespaced (one per namespace and kind) and the only
/// cluster-scoped kinds are IngressClass (off with disableIngressClassLookup or
/// disableClusterScopeResources) and Node (only for reportNodeInternalIPs or a publishedService).
/// </summary>
public sealed class ClusterCache
{
    private readonly List<ResourceInformer<V1Ingress, V1IngressList>> _ingresses = new();
    private readonly List<ResourceInformer<V1IngressClass, V1IngressClassList>> _classes = new();
    private readonly List<ResourceInformer<V1Service, V1ServiceList>> _services = new();
    private readonly List<ResourceInformer<V1EndpointSlice, V1EndpointSliceList>> _slices = new();
    private readonly List<ResourceInformer<V1Secret, V1SecretList>> _secrets = new();
    private readonly List<ResourceInformer<V1Node, V1NodeList>> _nodes = new();
    private readonly List<ResourceInformer<V1Namespace, V1NamespaceList>> _namespaces = new();
    private readonly List<ResourceInformer<TraefikMiddleware, TraefikMiddlewareList>> _middlewares = new();
    private readonly List<ResourceInformer<TraefikObject, TraefikObjectList>> _ingressRoutes = new();
    private readonly List<ResourceInformer<TraefikObject, TraefikObjectList>> _traefikServices = new();
    private readonly List<(string Kind, ResourceInformer<TraefikObject, TraefikObjectList> Informer)> _unserved = new();
    private readonly List<ResourceInformer<TraefikTlsOption, TraefikTlsOptionList>> _tlsOptions = new();
    private readonly List<ResourceInformer<TraefikTlsStore, TraefikTlsStoreList>> _tlsStores = new();
    private readonly List<ResourceInformer<TraefikServersTransport, TraefikServersTransportList>> _transports = new();
    // The CRD provider's own informers (not the Secrets it shares with the Ingress provider).
    private readonly List<IResourceInformer> _crd = new();
    private readonly List<IResourceInformer> _all = new();

    /// <param name="crd">The CRD provider's options when it is enabled: its Middlewares (and the Secrets they name) are watched too.</param>
    public ClusterCache(KubeApi api, ProviderOptions options, Action onChange, CrdProviderOptions? crd = null)
    {
        IReadOnlyList<string?> scopes = options.Namespaces.Count == 0 ? [null] : options.Namespaces.Cast<string?>().ToList();
        foreach (var ns in scopes)
        {
            _ingresses.Add(new(api, ResourceKinds.Ingress, ns, options.LabelSelector, onChange));
            _services.Add(new(api, ResourceKinds.Service, ns, null, onChange));
            _slices.Add(new(api, ResourceKinds.EndpointSlice, ns, null, onChange));
            _secrets.Add(new(api, ResourceKinds.Secret, ns, null, onChange));
        }
        if (!options.DisableIngressClassLookup && !options.DisableClusterScopeResources)
            _classes.Add(new(api, ResourceKinds.IngressClass, null, null, onChange));
        if (!options.DisableClusterScopeResources && (options.ReportNodeInternalIPs || options.IngressEndpointPublishedService.Length > 0))
            _nodes.Add(new(api, ResourceKinds.Node, null, null, onChange));
        // Tenancy: administrators' annotations on Namespace objects (cluster-scoped, so not with
        // disableClusterScopeResources: a per-tenant instance then uses the flag defaults only).
        if (options.TenancyEnabled && !options.DisableClusterScopeResources)
            _namespaces.Add(new(api, ResourceKinds.Namespace, null, null, onChange));
        if (crd is not null)
        {
            IReadOnlyList<string?> crdScopes = crd.Namespaces.Count == 0 ? [null] : crd.Namespaces.Cast<string?>().ToList();
            foreach (var ns in crdScopes)
            {
                var selector = crd.LabelSelector.Length > 0 ? crd.LabelSelector : null;
                _middlewares.Add(new(api, ResourceKinds.Middleware, ns, selector, onChange));
                _ingressRoutes.Add(new(api, ResourceKinds.IngressRoute, ns, selector, onChange));
                _traefikServices.Add(new(api, ResourceKinds.TraefikService, ns, selector, onChange));
                foreach (var kind in ResourceKinds.Unserved) _unserved.Add((kind.Name, new(api, kind, ns, selector, onChange)));
                _tlsOptions.Add(new(api, ResourceKinds.TlsOption, ns, selector, onChange));
                _tlsStores.Add(new(api, ResourceKinds.TlsStore, ns, selector, onChange));
                _transports.Add(new(api, ResourceKinds.ServersTransport, ns, selector, onChange));
                // basicAuth users live in Secrets of the Middleware's namespace; watch the ones the
                // Ingress provider's scopes do not already cover.
                if (!scopes.Contains(null) && (ns is null || !scopes.Contains(ns)))
                    _secrets.Add(new(api, ResourceKinds.Secret, ns, null, onChange));
            }
        }
        _all.AddRange(_namespaces);
        _crd.AddRange(_middlewares); _crd.AddRange(_ingressRoutes); _crd.AddRange(_traefikServices);
        _crd.AddRange(_tlsOptions); _crd.AddRange(_tlsStores); _crd.AddRange(_transports);
        _crd.AddRange(_unserved.Select(u => u.Informer));
        _all.AddRange(_crd);
        _all.AddRange(_ingresses); _all.AddRange(_services); _all.AddRange(_slices);
        _all.AddRange(_secrets); _all.AddRange(_classes); _all.AddRange(_nodes);
    }

    public IReadOnlyList<IResourceInformer> Informers => _all;

    public bool Synced => _all.All(i => i.Synced);

    /// <summary>The Ingress provider's informers (all but the CRD provider's kinds) have listed.</summary>
    public bool IngressSynced => _all.Where(i => !_crd.Contains(i)).All(i => i.Synced);

    /// <summary>
    /// The CRD provider's informers (its kinds, and the Services, EndpointSlices and Secrets its
    /// routes and Middlewares name) have listed.
    /// </summary>
    public bool CrdSynced => _crd.All(i => i.Synced) && _secrets.All(i => i.Synced)
        && (_ingressRoutes.Count == 0 || (_services.All(i => i.Synced) && _slices.All(i => i.Synced)));

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(_all.Select(i => Task.Run(() => i.RunAsync(ct), ct)));

    // The last snapshot's parts, each with the informer versions it was built from: a change to
    // one Ingress re-sorts the Ingresses but reuses the Services, EndpointSlices and Secrets
    // (at 10,000 of each, rebuilding them all was a third of a change's latency).
    private (long, ImmutableArray<V1Ingress>) _ingressPart = (-1, []);
    private (long, ImmutableArray<V1IngressClass>) _classPart = (-1, []);
    private (long, ImmutableDictionary<string, V1Service>) _servicePart = (-1, ImmutableDictionary<string, V1Service>.Empty);
    private (long, ImmutableDictionary<string, ImmutableArray<V1EndpointSlice>>) _slicePart = (-1, ImmutableDictionary<string, ImmutableArray<V1EndpointSlice>>.Empty);
    private (long, ImmutableDictionary<string, V1Secret>) _secretPart = (-1, ImmutableDictionary<string, V1Secret>.Empty);
    private (long, ImmutableArray<V1Node>) _nodePart = (-1, []);
    private (long, ImmutableArray<TraefikMiddleware>) _middlewarePart = (-1, []);
    private (long, ImmutableArray<TraefikObject>) _ingressRoutePart = (-1, []);
    private (long, ImmutableArray<TraefikObject>) _traefikServicePart = (-1, []);
    private (long, ImmutableArray<TraefikTlsOption>) _tlsOptionPart = (-1, []);
    private (long, ImmutableArray<TraefikTlsStore>) _tlsStorePart = (-1, []);
    private (long, ImmutableArray<TraefikServersTransport>) _transportPart = (-1, []);
    private (long, ImmutableDictionary<string, V1Namespace>) _namespacePart = (-1, ImmutableDictionary<string, V1Namespace>.Empty);

    /// <summary>Sum of the informers' versions; read before their items, so a racing change only makes the next snapshot rebuild.</summary>
    private static long Version<T, TList>(List<ResourceInformer<T, TList>> informers)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta> where TList : class
    {
        long v = 0;
        foreach (var i in informers) v += i.Version;
        return v;
    }

    private static TPart Part<TPart>(ref (long Version, TPart Value) cache, long version, Func<TPart> build)
    {
        if (cache.Version == version) return cache.Value;
        var value = build();
        cache = (version, value);
        return value;
    }

    private readonly object _snapshotLock = new();

    /// <summary>
    /// An immutable view of every informer. Each provider's loop takes one; the lock keeps the part
    /// caches consistent between them (a snapshot of unchanged parts costs a few reads).
    /// </summary>
    public ClusterSnapshot Snapshot()
    {
        lock (_snapshotLock) return BuildSnapshot();
    }

    private ClusterSnapshot BuildSnapshot()
    {
        var ingresses = Part(ref _ingressPart, Version(_ingresses), () =>
            _ingresses.SelectMany(i => i.Items).OrderBy(i => i.Metadata?.NamespaceProperty, StringComparer.Ordinal)
                .ThenBy(i => i.Metadata?.Name, StringComparer.Ordinal).ToImmutableArray());
        var classes = Part(ref _classPart, Version(_classes), () => _classes.SelectMany(i => i.Items).ToImmutableArray());
        var services = Part(ref _servicePart, Version(_services), () =>
            _services.SelectMany(i => i.Items).ToImmutableDictionary(s => ClusterSnapshot.Key(s.Metadata?.NamespaceProperty, s.Metadata?.Name)));
        var slices = Part(ref _slicePart, Version(_slices), () =>
        {
            var byService = new Dictionary<string, List<V1EndpointSlice>>();
            foreach (var inf in _slices)
            {
                foreach (var s in inf.Items)
                {
                    if (s.Metadata?.Labels is null || !s.Metadata.Labels.TryGetValue("kubernetes.io/service-name", out var svc)) continue;
                    var key = ClusterSnapshot.Key(s.Metadata.NamespaceProperty, svc);
                    if (!byService.TryGetValue(key, out var list)) byService[key] = list = new();
                    list.Add(s);
                }
            }
            return byService.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.OrderBy(s => s.Metadata?.Name, StringComparer.Ordinal).ToImmutableArray());
        });
        var secrets = Part(ref _secretPart, Version(_secrets), () =>
        {
            // Informers may overlap (an all-namespace one beside namespaced ones): the same Secret twice is one entry.
            var b = ImmutableDictionary.CreateBuilder<string, V1Secret>();
            foreach (var s in _secrets.SelectMany(i => i.Items)) b[ClusterSnapshot.Key(s.Metadata?.NamespaceProperty, s.Metadata?.Name)] = s;
            return b.ToImmutable();
        });
        var middlewares = Part(ref _middlewarePart, Version(_middlewares), () =>
            _middlewares.SelectMany(i => i.Items).OrderBy(m => m.Metadata?.NamespaceProperty, StringComparer.Ordinal)
                .ThenBy(m => m.Metadata?.Name, StringComparer.Ordinal).ToImmutableArray());
        var ingressRoutes = Part(ref _ingressRoutePart, Version(_ingressRoutes), () => Sorted(_ingressRoutes));
        var traefikServices = Part(ref _traefikServicePart, Version(_traefikServices), () => Sorted(_traefikServices));
        // A few objects at most, and only their names: rebuilt every time.
        // IngressRouteTCP and MiddlewareTCP are served (their informers are the "unserved" list's, kept as they are).
        ImmutableArray<TraefikObject> OfKind(string kind) => _unserved.Where(u => u.Kind == kind).SelectMany(u => u.Informer.Items)
            .OrderBy(o => o.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(o => o.Metadata?.Name, StringComparer.Ordinal).ToImmutableArray();
        var tcpRoutes = OfKind("IngressRouteTCP");
        var tcpMiddlewares = OfKind("MiddlewareTCP");
        var tcpTransports = OfKind("ServersTransportTCP");
        var udpRoutes = OfKind("IngressRouteUDP");
        var unserved = _unserved.Where(u => u.Kind is not ("IngressRouteTCP" or "MiddlewareTCP" or "ServersTransportTCP" or "IngressRouteUDP")).SelectMany(u => u.Informer.Items.Select(o => new UnservedObject(u.Kind, o.Metadata?.NamespaceProperty ?? "", o.Metadata?.Name ?? "")))
            .OrderBy(o => o.Kind, StringComparer.Ordinal).ThenBy(o => o.Namespace, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ToImmutableArray();
        var tlsOptions = Part(ref _tlsOptionPart, Version(_tlsOptions), () => ClusterSnapshot.Sorted(_tlsOptions.SelectMany(i => i.Items)));
        var tlsStores = Part(ref _tlsStorePart, Version(_tlsStores), () => ClusterSnapshot.Sorted(_tlsStores.SelectMany(i => i.Items)));
        var transports = Part(ref _transportPart, Version(_transports), () => ClusterSnapshot.Sorted(_transports.SelectMany(i => i.Items)));
        var nodes = Part(ref _nodePart, Version(_nodes), () => _nodes.SelectMany(i => i.Items).ToImmutableArray());
        var namespaces = Part(ref _namespacePart, Version(_namespaces), () =>
            _namespaces.SelectMany(i => i.Items).Where(n => n.Metadata?.Name is not null).ToImmutableDictionary(n => n.Metadata!.Name, StringComparer.Ordinal));
        return new ClusterSnapshot(ingresses, classes, services, slices, secrets, nodes)
        {
            Namespaces = namespaces, Middlewares = middlewares, TlsOptions = tlsOptions, TlsStores = tlsStores, ServersTransports = transports,
            IngressRoutes = ingressRoutes, TraefikServices = traefikServices, UnservedObjects = unserved,
            IngressRouteTcps = tcpRoutes, MiddlewareTcps = tcpMiddlewares, ServersTransportTcps = tcpTransports, IngressRouteUdps = udpRoutes,
        };
    }

    private static ImmutableArray<TraefikObject> Sorted(List<ResourceInformer<TraefikObject, TraefikObjectList>> informers) =>
        informers.SelectMany(i => i.Items).OrderBy(o => o.Metadata?.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(o => o.Metadata?.Name, StringComparer.Ordinal).ToImmutableArray();
}
