using System.Text.Json;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Shared;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's loadIngressRouteConfiguration (kubernetes_http.go) as a pure function: each route of
/// an IngressRoute becomes a router named <c>namespace-name-&lt;hash of the match&gt;</c>, with its
/// service (one Kubernetes Service, a TraefikService, or several as a weighted service named after
/// the router). Where Traefik logs an error and drops the route, Edge keeps the router disabled
/// with Traefik's error text, so that /api/rawdata shows why it is not served.
/// </summary>
public static class IngressRouteTranslator
{
    private const string IngressClassAnnotation = "kubernetes.io/ingress.class";

    public static void Translate(ClusterSnapshot snapshot, CrdProviderOptions options, HttpConfig http,
        SortedDictionary<string, CertAndStores> certificates, List<TranslationIssue> issues)
    {
        var builder = new CrdServiceBuilder(snapshot, options);
        foreach (var route in snapshot.IngressRoutes)
        {
            var ns = route.Metadata?.NamespaceProperty ?? "";
            var name = string.IsNullOrEmpty(route.Metadata?.Name) ? route.Metadata?.GenerateName ?? "" : route.Metadata.Name;
            void Issue(string message) => issues.Add(new TranslationIssue("IngressRoute", ns, name, message));
            if (Parse(route.Spec, out var unserved, out var parseError) is not { } spec)
            {
                Issue(parseError!);
                continue;
            }
            string? className = spec.IngressClassName;
            if (className is null && route.Metadata?.Annotations?.TryGetValue(IngressClassAnnotation, out var annotated) == true && annotated.Length > 0)
                className = annotated;
            className ??= "";
            // Traefik's shouldProcessIngress: the provider's class, or "traefik" when it has none.
            if (options.IngressClass != className && !(options.IngressClass.Length == 0 && className == "traefik")) continue;

            if (spec.Tls?.SecretName is { Length: > 0 } secretName && !certificates.ContainsKey(ns + "/" + secretName))
            {
                if (SecretCertificate.Read(snapshot, ns, secretName, out var tlsError) is { } certificate) certificates[ns + "/" + secretName] = certificate;
                else Issue("Error configuring TLS: " + tlsError);
            }

            foreach (var r in spec.Routes ?? [])
            {
                if (string.IsNullOrEmpty(r.Match))
                {
                    Issue("Empty match rule");
                    continue;
                }
                var routerName = Naming.Normalize(CrdNames.MakeId(ns, Naming.WithHash(name, r.Match)));
                var router = new Router { EntryPoints = spec.EntryPoints, Rule = r.Match, Priority = r.Priority, RuleSyntax = r.Syntax };
                http.Routers[routerName] = router;
                router.DisabledReason = unserved ?? Build(builder, options, ns, spec, r, routerName, router, http.Services);
                if (router.DisabledReason is not null) Issue($"route {r.Match}: {router.DisabledReason}");
            }
        }
    }

    /// <summary>One route's router; the reason it is not served when Traefik would drop it.</summary>
    private static string? Build(CrdServiceBuilder builder, CrdProviderOptions options, string ns, IngressRouteSpec spec, RouteSpec r,
        string routerName, Router router, SortedDictionary<string, Service> services)
    {
        if (!string.IsNullOrEmpty(r.Kind) && r.Kind != "Rule") return $"Unsupported match kind: {r.Kind}. Only \"Rule\" is supported for now.";
        router.Middlewares = CrdNames.Middlewares(options, ns, r.Middlewares, out var mwError);
        if (mwError is not null) return "Failed to create middleware keys: " + mwError;
        try
        {
            router.Service = (r.Services?.Count ?? 0) switch
            {
                0 => "",
                1 => Single(builder, ns, r.Services![0], routerName, services),
                _ => Weighted(builder, ns, r.Services!, routerName, services),
            };
        }
        catch (CrdServiceException e)
        {
            return e.Message;
        }
        if (r.Observability is { } o)
            router.Observability = new RouterObservability { AccessLogs = o.AccessLogs, Metrics = o.Metrics, Tracing = o.Tracing, TraceVerbosity = o.TraceVerbosity };
        if (spec.Tls is { } tls)
        {
            router.Tls = new RouterTls { CertResolver = string.IsNullOrEmpty(tls.CertResolver) ? null : tls.CertResolver, Domains = tls.Domains };
            if (tls.Options is { Name.Length: > 0 } o2)
            {
                router.Tls.Options = CrdNames.Reference(options, ns, o2.Namespace, o2.Name, out var tlsError);
                if (tlsError is not null) return $"Invalid reference to TLSOption \"{o2.Name}\": {tlsError}";
            }
        }
        return null;
    }

    private static string Single(CrdServiceBuilder builder, string ns, ServiceRef service, string routerName, SortedDictionary<string, Service> services)
    {
        var (fullName, lb) = builder.NameAndService(ns, service);
        if (lb is null) return fullName;
        // A single Kubernetes Service is named after the router, as in Traefik.
        services[routerName] = lb;
        return routerName;
    }

    private static string Weighted(CrdServiceBuilder builder, string ns, List<ServiceRef> refs, string routerName, SortedDictionary<string, Service> services)
    {
        builder.Weighted(ns, new WeightedSpec { Services = refs }, routerName, services);
        return routerName;
    }

    /// <summary>The spec, or why it cannot be read; <paramref name="unserved"/> names the fields Edge does not serve.</summary>
    private static IngressRouteSpec? Parse(JsonElement json, out string? unserved, out string? error)
    {
        unserved = error = null;
        if (json.ValueKind != JsonValueKind.Object)
        {
            error = "spec is missing or not an object";
            return null;
        }
        try
        {
            var spec = json.Deserialize(CrdJsonContext.Default.IngressRouteSpec);
            if (spec is null) { error = "spec is missing"; return null; }
            if (UnservedFields.Of(json, spec, CrdJsonContext.Default.IngressRouteSpec, "spec") is { Count: > 0 } fields)
                unserved = $"{string.Join(", ", fields)}: not supported by Edge, the route is not served without {(fields.Count == 1 ? "it" : "them")}";
            return spec;
        }
        catch (JsonException e)
        {
            error = "invalid spec: " + e.Message;
            return null;
        }
    }
}
