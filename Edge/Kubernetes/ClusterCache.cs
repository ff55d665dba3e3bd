using System.Collections.Immutable;
using Edge.Configuration;
using k8s.Models;

namespace Edge.Kubernetes;

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
    private readonly List<IResourceInformer> _all = new();

    public ClusterCache(KubeApi api, ProviderOptions options, Action onChange)
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
        _all.AddRange(_namespaces);
        _all.AddRange(_ingresses); _all.AddRange(_services); _all.AddRange(_slices);
        _all.AddRange(_secrets); _all.AddRange(_classes); _all.AddRange(_nodes);
    }

    public IReadOnlyList<IResourceInformer> Informers => _all;

    public bool Synced => _all.All(i => i.Synced);

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(_all.Select(i => Task.Run(() => i.RunAsync(ct), ct)));

    public ClusterSnapshot Snapshot()
    {
        var slices = new Dictionary<string, List<V1EndpointSlice>>();
        foreach (var inf in _slices)
        {
            foreach (var s in inf.Items)
            {
                if (s.Metadata?.Labels is null || !s.Metadata.Labels.TryGetValue("kubernetes.io/service-name", out var svc)) continue;
                var key = ClusterSnapshot.Key(s.Metadata.NamespaceProperty, svc);
                if (!slices.TryGetValue(key, out var list)) slices[key] = list = new();
                list.Add(s);
            }
        }
        return new ClusterSnapshot(
            _ingresses.SelectMany(i => i.Items).OrderBy(i => i.Metadata?.NamespaceProperty, StringComparer.Ordinal)
                .ThenBy(i => i.Metadata?.Name, StringComparer.Ordinal).ToImmutableArray(),
            _classes.SelectMany(i => i.Items).ToImmutableArray(),
            _services.SelectMany(i => i.Items).ToImmutableDictionary(s => ClusterSnapshot.Key(s.Metadata?.NamespaceProperty, s.Metadata?.Name)),
            slices.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.OrderBy(s => s.Metadata?.Name, StringComparer.Ordinal).ToImmutableArray()),
            _secrets.SelectMany(i => i.Items).ToImmutableDictionary(s => ClusterSnapshot.Key(s.Metadata?.NamespaceProperty, s.Metadata?.Name)),
            _nodes.SelectMany(i => i.Items).ToImmutableArray())
        {
            Namespaces = _namespaces.SelectMany(i => i.Items).Where(n => n.Metadata?.Name is not null)
                .ToImmutableDictionary(n => n.Metadata!.Name, StringComparer.Ordinal),
        };
    }
}
