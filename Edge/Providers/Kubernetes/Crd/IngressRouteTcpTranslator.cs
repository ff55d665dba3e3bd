using System.Text.Json;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Shared;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's loadIngressRouteTCPConfiguration (kubernetes_tcp.go) and its MiddlewareTCP loading as
/// pure functions: each route becomes a TCP router and a service both named
/// <c>namespace-name-&lt;hash of the match&gt;</c>; several services become a weighted service of
/// <c>&lt;that name&gt;-&lt;service&gt;-&lt;port&gt;</c> children. A service Traefik cannot build is left
/// out (its router is then in error, "the service ... does not exist", as in Traefik) and the cause
/// logged; where Traefik drops the route, Edge keeps the router disabled with Traefik's text.
/// </summary>
public static class IngressRouteTcpTranslator
{
    private const string IngressClassAnnotation = "kubernetes.io/ingress.class";

    public static void Translate(ClusterSnapshot snapshot, CrdProviderOptions options, TcpConfig tcp,
        SortedDictionary<string, CertAndStores> certificates, List<TranslationIssue> issues)
    {
        foreach (var m in snapshot.MiddlewareTcps)
        {
            var ns = m.Metadata?.NamespaceProperty ?? "";
            var name = m.Metadata?.Name ?? "";
            if (Parse(m.Spec, CrdTcpJsonContext.Default.MiddlewareTcpSpec, out var unserved, out var error) is not { } spec)
            {
                issues.Add(new TranslationIssue("MiddlewareTCP", ns, name, error!));
                continue;
            }
            if (unserved is not null) issues.Add(new TranslationIssue("MiddlewareTCP", ns, name, unserved));
            tcp.Middlewares[Naming.Normalize(CrdNames.MakeId(ns, name))] = unserved is not null ? new TcpMiddleware()
                : new TcpMiddleware { InFlightConn = spec.InFlightConn, IpWhiteList = spec.IpWhiteList, IpAllowList = spec.IpAllowList };
        }
        foreach (var route in snapshot.IngressRouteTcps)
        {
            var ns = route.Metadata?.NamespaceProperty ?? "";
            var name = string.IsNullOrEmpty(route.Metadata?.Name) ? route.Metadata?.GenerateName ?? "" : route.Metadata.Name;
            void Issue(string message) => issues.Add(new TranslationIssue("IngressRouteTCP", ns, name, message));
            if (Parse(route.Spec, CrdTcpJsonContext.Default.IngressRouteTcpSpec, out var unserved, out var parseError) is not { } spec)
            {
                Issue(parseError!);
                continue;
            }
            string? className = spec.IngressClassName;
            if (className is null && route.Metadata?.Annotations?.TryGetValue(IngressClassAnnotation, out var annotated) == true && annotated.Length > 0)
                className = annotated;
            className ??= "";
            if (options.IngressClass != className && !(options.IngressClass.Length == 0 && className == "traefik")) continue;

            if (spec.Tls is { Passthrough: false, SecretName.Length: > 0 } withSecret && !certificates.ContainsKey(ns + "/" + withSecret.SecretName))
            {
                if (SecretCertificate.Read(snapshot, ns, withSecret.SecretName!, out var tlsError) is { } certificate) certificates[ns + "/" + withSecret.SecretName] = certificate;
                else Issue("Error configuring TLS: " + tlsError);
            }
            foreach (var r in spec.Routes ?? [])
            {
                if (string.IsNullOrEmpty(r.Match))
                {
                    Issue("Empty match rule");
                    continue;
                }
                // Traefik's TCP naming: makeID(namespace, makeServiceKey(match, name)), not normalized.
                var serviceName = CrdNames.MakeId(ns, Naming.WithHash(name, r.Match));
                var router = new TcpRouter { EntryPoints = spec.EntryPoints, Rule = r.Match, Priority = r.Priority, RuleSyntax = string.IsNullOrEmpty(r.Syntax) ? null : r.Syntax };
                tcp.Routers[serviceName] = router;
                router.DisabledReason = unserved ?? Build(snapshot, options, ns, spec, r, serviceName, router, tcp.Services, Issue);
                if (router.DisabledReason is not null) Issue($"route {r.Match}: {router.DisabledReason}");
            }
        }
    }

    private static string? Build(ClusterSnapshot snapshot, CrdProviderOptions options, string ns, IngressRouteTcpSpec spec, RouteTcpSpec r,
        string serviceName, TcpRouter router, SortedDictionary<string, TcpService> services, Action<string> issue)
    {
        router.Middlewares = CrdNames.Middlewares(options, ns, r.Middlewares, out var mwError);
        if (mwError is not null) return "Failed to create middleware keys: " + mwError;
        router.Service = serviceName;
        var list = r.Services ?? [];
        foreach (var s in list)
        {
            TcpService lb;
            try { lb = LoadBalancer(snapshot, options, ns, s); }
            catch (CrdServiceException e)
            {
                issue($"Cannot create service {s.Name} (port {CrdNames.PortText(s.Port)}): {e.Message}");
                continue;
            }
            if (list.Count == 1)
            {
                services[serviceName] = lb;
                break;
            }
            var key = $"{serviceName}-{s.Name}-{CrdNames.PortText(s.Port)}";
            services[key] = lb;
            if (!services.TryGetValue(serviceName, out var weighted)) services[serviceName] = weighted = new TcpService { Weighted = new TcpWeightedRoundRobin { Services = [] } };
            weighted.Weighted!.Services!.Add(new WeightedService { Name = key, Weight = s.Weight ?? 1 });
        }
        if (spec.Tls is { } tls)
        {
            router.Tls = new RouterTcpTls { Passthrough = tls.Passthrough, CertResolver = string.IsNullOrEmpty(tls.CertResolver) ? null : tls.CertResolver, Domains = tls.Domains };
            if (tls.Options is { Name.Length: > 0 } o)
            {
                router.Tls.Options = CrdNames.Reference(options, ns, o.Namespace, o.Name, out var tlsError);
                if (tlsError is not null) return $"Invalid reference to TLSOption \"{o.Name}\": {tlsError}";
            }
        }
        return null;
    }

    /// <summary>Traefik's createLoadBalancerServerTCP.</summary>
    private static TcpService LoadBalancer(ClusterSnapshot snapshot, CrdProviderOptions options, string parentNs, ServiceTcpSpec s)
    {
        var ns = string.IsNullOrEmpty(s.Namespace) ? parentNs : s.Namespace;
        if (!options.AllowCrossNamespace && ns != parentNs)
            throw new CrdServiceException($"tcp service {ns}/{s.Name} is not in the parent resource namespace {parentNs}");
        var lb = new TcpServersLoadBalancer { Servers = Servers(snapshot, options, ns, s) };
        if (s.ProxyProtocol is { } pp) lb.ProxyProtocol = new TcpProxyProtocol { Version = pp.Version == 0 ? 2 : pp.Version };
        if (string.IsNullOrEmpty(s.ServersTransport) && s.TerminationDelay is { } delay) lb.TerminationDelay = delay;
        if (!string.IsNullOrEmpty(s.ServersTransport))
        {
            if (!s.ServersTransport.Contains('@')) lb.ServersTransport = Naming.Normalize(CrdNames.MakeId(parentNs, s.ServersTransport));
            else if (!options.AllowCrossNamespace && s.ServersTransport.EndsWith("@" + ProviderNames.KubernetesCrd, StringComparison.Ordinal))
                throw new CrdServiceException($"invalid reference to serversTransport {s.ServersTransport}: namespace-name@kubernetescrd format is not allowed when crossnamespace is disallowed");
            else lb.ServersTransport = s.ServersTransport;
        }
        return new TcpService { LoadBalancer = lb };
    }

    /// <summary>Traefik's loadTCPServers: ExternalName, native (ClusterIP), NodePort, or the ready endpoints of the EndpointSlices.</summary>
    internal static List<TcpServer> Servers(ClusterSnapshot snapshot, CrdProviderOptions options, string ns, ServiceTcpSpec s)
    {
        var service = snapshot.GetService(ns, s.Name) ?? throw new CrdServiceException("service not found");
        var spec = service.Spec ?? new V1ServiceSpec();
        if (spec.Type == "ExternalName" && !options.AllowExternalNameServices) throw new CrdServiceException($"externalName services not allowed: {ns}/{s.Name}");
        var port = ServicePort(service, s);
        var servers = new List<TcpServer>();
        if (spec.Type == "NodePort" && s.NodePortLB)
        {
            if (options.DisableClusterScopeResources) throw new CrdServiceException("nodes lookup is disabled");
            if (snapshot.Nodes.Length == 0) throw new CrdServiceException($"nodes not found for NodePort service {s.Namespace}/{s.Name}");
            foreach (var node in snapshot.Nodes)
                foreach (var addr in node.Status?.Addresses ?? [])
                    if (addr.Type == "InternalIP") servers.Add(new TcpServer { Address = EndpointServers.JoinHostPort(addr.Address, port.NodePort ?? 0), Tls = s.Tls });
            if (servers.Count == 0) throw new CrdServiceException($"no servers were generated for service {s.Namespace}/{s.Name}");
            return servers;
        }
        if (spec.Type == "ExternalName") return [new TcpServer { Address = EndpointServers.JoinHostPort(spec.ExternalName ?? "", port.Port), Tls = s.Tls }];
        if (s.NativeLB ?? options.NativeLBByDefault)
        {
            var address = EndpointServers.NativeAddress(spec, ns, s.Name, port.Port, out var error)
                ?? throw new CrdServiceException("getting native Kubernetes Service address: " + error);
            return [new TcpServer { Address = address, Tls = s.Tls }];
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slice in snapshot.GetEndpointSlicesForService(ns, s.Name))
        {
            int p = 0;
            foreach (var sp in slice.Ports ?? [])
                if (sp.Name is not null && sp.Name == (port.Name ?? "")) { p = sp.Port ?? 0; break; }
            if (p == 0) continue;
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                // TCP servers are the ready endpoints only (Traefik's TCP loader, unlike its HTTP one).
                if (endpoint.Conditions?.Ready != true) continue;
                foreach (var address in endpoint.Addresses ?? [])
                    if (seen.Add(address)) servers.Add(new TcpServer { Address = EndpointServers.JoinHostPort(address, p), Tls = s.Tls });
            }
        }
        if (servers.Count == 0 && !options.AllowEmptyServices) throw new CrdServiceException($"no servers found for {ns}/{s.Name}");
        return servers;
    }

    /// <summary>Traefik's getServicePort: by number or by name; an ExternalName Service takes any number.</summary>
    private static V1ServicePort ServicePort(V1Service service, ServiceTcpSpec s)
    {
        var text = CrdNames.PortText(s.Port);
        if (text.Length == 0) throw new CrdServiceException("ingressRoute service port not defined");
        bool byNumber = s.Port is { ValueKind: JsonValueKind.Number };
        foreach (var p in service.Spec?.Ports ?? [])
            if (byNumber ? s.Port!.Value.GetInt32() == p.Port : text == p.Name) return p;
        if (service.Spec?.Type != "ExternalName" || !byNumber) throw new CrdServiceException($"service port not found: {text}");
        return new V1ServicePort { Port = s.Port!.Value.GetInt32() };
    }

    internal static T? Parse<T>(JsonElement json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, out string? unserved, out string? error) where T : class
    {
        unserved = error = null;
        if (json.ValueKind != JsonValueKind.Object) { error = "spec is missing or not an object"; return null; }
        try
        {
            var spec = json.Deserialize(info);
            if (spec is null) { error = "spec is missing"; return null; }
            if (UnservedFields.Of(json, spec, info, "spec") is { Count: > 0 } fields)
                unserved = $"{string.Join(", ", fields)}: not supported by Edge, the object is not served without {(fields.Count == 1 ? "it" : "them")}";
            return spec;
        }
        catch (JsonException e)
        {
            error = "invalid spec: " + e.Message;
            return null;
        }
    }
}
