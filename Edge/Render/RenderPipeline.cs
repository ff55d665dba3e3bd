using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Api;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Routing.Table;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using k8s;
using k8s.Models;

namespace Edge.Render;

/// <summary>
/// The offline provider: parsed manifest documents in, the same translation, route compilation and
/// runtime view as the running proxy out. Filtering mirrors what the informers would have listed:
/// only the watched namespaces, and only Ingresses that match the label selector.
/// </summary>
public static class RenderPipeline
{
    public static RenderOutcome Run(IEnumerable<ManifestDocument> documents, StaticConfig config)
    {
        var options = config.KubernetesIngress;
        LabelSelector.TryParse(options.LabelSelector, out var selector, out _);   // validated by the option already
        var skipped = new List<RenderProblem>();
        var ignored = new List<RenderProblem>();
        var ignoredKinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var locations = new Dictionary<string, string>(StringComparer.Ordinal);
        var objects = new List<object>();
        var ingresses = new Dictionary<string, V1Ingress>(StringComparer.Ordinal);

        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            order.TryAdd(doc.Location, order.Count);
            if (doc.Error is not null)
            {
                skipped.Add(new(doc.Location, Describe(doc.Kind ?? "document", doc.Namespace, doc.Name), doc.Error));
                continue;
            }
            if (doc.Object is not IKubernetesObject<V1ObjectMeta> obj)
            {
                ignoredKinds[doc.Kind!] = ignoredKinds.GetValueOrDefault(doc.Kind!) + 1;
                continue;
            }
            obj.Metadata ??= new V1ObjectMeta();
            var clusterScoped = obj is V1IngressClass or V1Node or V1Namespace;
            if (!clusterScoped) obj.Metadata.NamespaceProperty ??= "default";   // what the API server would assign
            var ns = obj.Metadata.NamespaceProperty;
            var what = Describe(doc.Kind!, ns, obj.Metadata.Name);
            locations[what] = doc.Location;   // a later document with the same name replaces the earlier one, as kubectl apply would
            if (!clusterScoped && options.Namespaces.Count > 0 && !options.Namespaces.Contains(ns!))
            {
                ignored.Add(new(doc.Location, what, "namespace is not watched (providers.kubernetesIngress.namespaces)"));
                continue;
            }
            if (obj is V1Ingress ingress)
            {
                if (!selector.Matches(ingress.Metadata.Labels))
                {
                    ignored.Add(new(doc.Location, what, $"labels do not match labelSelector \"{options.LabelSelector}\""));
                    continue;
                }
                ingresses[ClusterSnapshot.Key(ns, ingress.Metadata.Name)] = ingress;
                continue;
            }
            objects.Add(obj);
        }

        // The informers hand Ingresses over sorted by namespace/name; translation order decides name clashes.
        objects.AddRange(ingresses.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value));
        var snapshot = ClusterSnapshot.FromObjects(objects);
        var result = IngressTranslator.Translate(snapshot, options);
        var issues = result.Issues.ToList();
        // Traefik's CRD kinds among the manifests (Middleware, IngressRoute, TraefikService, and the
        // kinds Edge names as not served) are read as the CRD provider would (it is on in Traefik's
        // Helm chart), so that references to them resolve as they will in the cluster.
        var byProvider = new Dictionary<string, DynamicConfig> { [ProviderNames.Kubernetes] = result.Config };
        if (config.KubernetesCrdEnabled || snapshot.Middlewares.Length > 0 || snapshot.IngressRoutes.Length > 0
            || snapshot.TraefikServices.Length > 0 || snapshot.UnservedObjects.Length > 0)
            byProvider[ProviderNames.KubernetesCrd] = Edge.Providers.Kubernetes.Crd.CrdBinding.Build(snapshot, config.KubernetesCrd, issues);
        var merged = Aggregation.ConfigurationMerge.Merge(byProvider);
        foreach (var issue in issues)
        {
            var what = Describe(issue.Kind, issue.Namespace, issue.Name);
            skipped.Add(new(locations.GetValueOrDefault(what), what, issue.Message));
        }
        var processed = result.Processed.ToHashSet();
        foreach (var ingress in snapshot.Ingresses.Where(i => !processed.Contains(i)))
        {
            var what = Describe("Ingress", ingress.Metadata.NamespaceProperty, ingress.Metadata.Name);
            ignored.Add(new(locations.GetValueOrDefault(what), what, ClassMismatch(ingress, options)));
        }

        var defaults = config.DefaultEntryPoints();
        // The data plane's fail-closed checks: references that do not resolve, chains that cannot be built.
        var routeErrors = Aggregation.ReferenceCheck.Find(merged, ProviderNames.Kubernetes);
        Edge.DataPlane.Middlewares.ChainCompiler.CompileAll(merged, ProviderNames.Kubernetes, options.TenancyEnabled, routeErrors, _ => Task.CompletedTask);
        var syntax = options.DefaultRuleSyntax == "v2" ? RuleSyntax.V2 : RuleSyntax.V3;
        foreach (var ep in config.EntryPoints.Values)
            EntryPointRoutes.Compile(ep, merged.Http.Routers, defaults, syntax, routeErrors);
        var raw = RawDataBuilder.Build(merged, defaults, routeErrors);
        foreach (var (name, router) in raw.Routers.Where(r => r.Value.Status != "enabled"))
        {
            var source = merged.Http.Routers.GetValueOrDefault(name.Split('@')[0])?.Observability?.Metadata?.Ingress;
            var what = source is null ? "Router " + name : Describe("Ingress", source.Namespace, source.IngressName);
            skipped.Add(new(locations.GetValueOrDefault(what), what, $"router {name} is disabled: {string.Join("; ", router.Error ?? [])}"));
        }

        var certificates = new List<CertificateRow>();
        foreach (var c in merged.Tls?.Certificates ?? [])
        {
            var secret = c.SourceSecret ?? "?";
            try
            {
                // The same parse as the data plane: certificate and key together, so a mismatched key fails here too.
                using var cert = X509Certificate2.CreateFromPem(c.CertFile, c.KeyFile);
                certificates.Add(new(secret, CertificateStore.Names(cert), cert.NotAfter.ToUniversalTime()));
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                var what = "Secret " + secret;
                skipped.Add(new(locations.GetValueOrDefault(what), what, "TLS certificate cannot be parsed, it is not served: " + e.Message));
            }
        }

        var tlsEntryPoints = config.EntryPoints.Values.Where(e => e.HttpTls).Select(e => e.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // In file order, whichever stage found the problem: the order a person reads the manifests in.
        int Position(RenderProblem p) => p.Location is { } l && order.TryGetValue(l, out var i) ? i : int.MaxValue;
        return new RenderOutcome(raw, certificates, skipped.OrderBy(Position).ToList(), ignored.OrderBy(Position).ToList(), ignoredKinds, tlsEntryPoints);
    }

    private static string Describe(string kind, string? ns, string? name) =>
        kind + " " + (string.IsNullOrEmpty(ns) ? "" : ns + "/") + (name ?? "(no name)");

    private static string ClassMismatch(V1Ingress ingress, ProviderOptions options)
    {
        if (ingress.Spec?.IngressClassName is { } className)
        {
            if (options.DisableIngressClassLookup || options.DisableClusterScopeResources)
                return $"ingressClassName \"{className}\" is not handled: IngressClass lookup is disabled";
            return $"ingressClassName \"{className}\" names no IngressClass with controller traefik.io/ingress-controller"
                + (options.IngressClass.Length > 0 ? $" and name \"{options.IngressClass}\"" : "");
        }
        string? annotation = null;
        ingress.Metadata.Annotations?.TryGetValue("kubernetes.io/ingress.class", out annotation);
        var expected = options.IngressClass.Length > 0 ? $"\"{options.IngressClass}\"" : "\"traefik\" or none";
        return $"kubernetes.io/ingress.class \"{annotation}\" is not handled (expected {expected})";
    }
}
