using System.Text.Json;
using Edge.Configuration;
using Edge.GoCompat;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Shared;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>A service reference that cannot be built, with Traefik's error text.</summary>
public sealed class CrdServiceException(string message) : Exception(message);

/// <summary>
/// Traefik's configBuilder (kubernetes_http.go): a route's or a TraefikService's service
/// references to dynamic services. A Kubernetes Service becomes a loadBalancer of its endpoints;
/// a TraefikService is referenced by name. Services are written into the configuration as they are
/// built, as Traefik does, so a weighted service that fails half-way leaves its first children.
/// </summary>
public sealed class CrdServiceBuilder(ClusterSnapshot snapshot, CrdProviderOptions options)
{
    /// <summary>Traefik's nameAndService: the name to reference, and the loadBalancer when the reference is a Kubernetes Service.</summary>
    public (string Name, Service? Service) NameAndService(string parentNs, ServiceRef service)
    {
        var ns = service.Namespace ?? "";
        if (!service.Name.Contains('@'))
        {
            ns = ns.Length > 0 ? ns : parentNs;
            if (!options.AllowCrossNamespace && ns != parentNs)
                throw new CrdServiceException($"service {ns}/{service.Name} not in the parent resource namespace {parentNs}");
        }
        switch (service.Kind)
        {
            case null or "" or "Service":
                var lb = ServersLoadBalancerOf(ns, service);
                return (CrdNames.FullServiceName(ns, service.Name, CrdNames.PortText(service.Port)), lb);
            case "TraefikService":
                return (CrdNames.FullServiceName(ns, service.Name, ""), null);
            default:
                throw new CrdServiceException($"unsupported service kind {service.Kind}");
        }
    }

    /// <summary>Traefik's buildServicesLB: a weighted round robin named <paramref name="id"/>, its Kubernetes children beside it.</summary>
    public void Weighted(string ns, WeightedSpec spec, string id, IDictionary<string, Service> conf)
    {
        var children = new List<WeightedService>();
        foreach (var child in spec.Services ?? [])
        {
            var (name, service) = NameAndService(ns, child);
            if (service is not null) conf[name] = service;
            children.Add(new WeightedService { Name = name, Weight = child.Weight ?? 1 });
        }
        conf[id] = new Service { Weighted = new WeightedRoundRobinService { Services = children, Sticky = StickyOf(spec.Sticky) } };
    }

    /// <summary>Traefik's buildMirroring (served by the data plane only once mirroring is; until then its routers are in error).</summary>
    public void Mirroring(string ns, MirroringSpec spec, string id, IDictionary<string, Service> conf)
    {
        var (main, mainService) = NameAndService(ns, spec.Main());
        if (mainService is not null) conf[main] = mainService;
        var mirrors = new List<MirrorService>();
        foreach (var m in spec.Mirrors ?? [])
        {
            var (name, service) = NameAndService(ns, m);
            if (service is not null) conf[name] = service;
            mirrors.Add(new MirrorService { Name = name, Percent = m.Percent });
        }
        conf[id] = new Service { Mirroring = new MirroringService { Service = main, Mirrors = mirrors, MirrorBody = spec.MirrorBody, MaxBodySize = spec.MaxBodySize } };
    }

    /// <summary>Traefik's buildFailover.</summary>
    public void Failover(string ns, FailoverSpec spec, string id, IDictionary<string, Service> conf)
    {
        (string, Service?) Build(ServiceRef? r, string what)
        {
            try { return NameAndService(ns, r ?? new ServiceRef()); }
            catch (CrdServiceException e) { throw new CrdServiceException($"getting {what}: {e.Message}"); }
        }
        var (main, mainService) = Build(spec.Service, "service");
        var (fallback, fallbackService) = Build(spec.Fallback, "fallback service");
        conf[id] = new Service
        {
            Failover = new FailoverService
            {
                Service = main, Fallback = fallback,
                Errors = new FailoverErrors { Status = spec.Errors?.Status, MaxRequestBodyBytes = spec.Errors?.MaxRequestBodyBytes },
            },
        };
        if (mainService is not null) conf[main] = mainService;
        if (fallbackService is not null) conf[fallback] = fallbackService;
    }

    /// <summary>Traefik's buildServersLB: the loadBalancer of one Kubernetes Service, with ServersLoadBalancer's defaults.</summary>
    private Service ServersLoadBalancerOf(string ns, ServiceRef svc)
    {
        var lb = ServersLoadBalancer.WithDefaults();
        switch (svc.Strategy)
        {
            case null or "": break;
            case "wrr" or "p2c" or "hrw" or "leasttime": lb.Strategy = svc.Strategy; break;
            case "RoundRobin": break;   // Traefik's deprecated spelling of the default
            default: throw new CrdServiceException($"load-balancer strategy {svc.Strategy} is not supported");
        }
        lb.Servers = LoadServers(ns, svc);
        if (svc.HealthCheck is { } hc) lb.HealthCheck = HealthCheckOf(hc);
        if (svc.PassHostHeader is { } phh) lb.PassHostHeader = phh;
        if (svc.ResponseForwarding?.FlushInterval is { Length: > 0 } flush)
        {
            if (!GoDuration.TryParse(flush, out var ns100)) throw new CrdServiceException($"unable to parse flushInterval: time: invalid duration \"{flush}\"");
            lb.ResponseForwarding = new ResponseForwarding { FlushInterval = GoDuration.Format(ns100) };
        }
        lb.Sticky = StickyOf(svc.Sticky);
        lb.ServersTransport = ServersTransportKey(ns, svc.ServersTransport);
        var service = new Service { LoadBalancer = lb };
        if (svc.Middlewares is { Count: > 0 })
        {
            service.Middlewares = CrdNames.Middlewares(options, ns, svc.Middlewares, out var error)
                ?? throw new CrdServiceException("could not create middleware keys: " + error);
        }
        return service;
    }

    /// <summary>Traefik's buildServersLB health check: SetDefaults, then the given fields; unhealthyInterval defaults to the interval.</summary>
    private static ServerHealthCheck HealthCheckOf(CrdServerHealthCheck hc)
    {
        var result = new ServerHealthCheck
        {
            Scheme = NullIfEmpty(hc.Scheme), Path = NullIfEmpty(hc.Path), Method = NullIfEmpty(hc.Method), Status = hc.Status, Port = hc.Port,
            Hostname = NullIfEmpty(hc.Hostname), Headers = hc.Headers is { Count: > 0 } ? hc.Headers : null,
        };
        result.SetDefaults();
        if (hc.FollowRedirects is { } follow) result.FollowRedirects = follow;
        // As Traefik: a mode other than "http" replaces the default, so an unset one is shown empty (and checks over http).
        if (hc.Mode != "http") result.Mode = NullIfEmpty(hc.Mode);
        if (hc.Interval is { } interval) result.Interval = Duration(interval, "interval");
        result.UnhealthyInterval = hc.UnhealthyInterval is { } unhealthy ? Duration(unhealthy, "unhealthyInterval") : result.Interval;
        if (hc.Timeout is { } timeout) result.Timeout = Duration(timeout, "timeout");
        return result;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>paerser's Duration.Set of an IntOrString's text (a bare number is seconds), written as Go prints it.</summary>
    private static string Duration(JsonElement value, string field)
    {
        var text = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString() ?? "";
        if (!GoDuration.TryParse(text, out var ns)) throw new CrdServiceException($"healthCheck.{field}: time: invalid duration \"{text}\"");
        return GoDuration.Format(ns);
    }

    /// <summary>Traefik's cookie with Cookie.SetDefaults (path "/"), zero values left out as its omitempty does.</summary>
    private static Sticky? StickyOf(Sticky? sticky)
    {
        if (sticky?.Cookie is not { } c) return null;
        return new Sticky
        {
            Cookie = new StickyCookie
            {
                Name = string.IsNullOrEmpty(c.Name) ? null : c.Name,
                Secure = c.Secure == true ? true : null,
                HttpOnly = c.HttpOnly == true ? true : null,
                SameSite = string.IsNullOrEmpty(c.SameSite) ? null : c.SameSite,
                MaxAge = c.MaxAge is 0 ? null : c.MaxAge,
                Domain = string.IsNullOrEmpty(c.Domain) ? null : c.Domain,
                Path = c.Path ?? "/",
            },
        };
    }

    private string? ServersTransportKey(string ns, string? name)
    {
        if (string.IsNullOrEmpty(name)) return null;
        if (!name.Contains('@')) return Naming.Normalize(CrdNames.MakeId(ns, name));
        if (!options.AllowCrossNamespace && name.EndsWith("@" + ProviderNames.KubernetesCrd, StringComparison.Ordinal))
            throw new CrdServiceException($"invalid reference to serversTransport {name}: namespace-name@kubernetescrd format is not allowed when crossnamespace is disallowed");
        return name;
    }

    /// <summary>Traefik's loadServers: ExternalName, native (ClusterIP), NodePort, or the EndpointSlices' serving endpoints.</summary>
    private List<Server>? LoadServers(string ns, ServiceRef svc)
    {
        var service = snapshot.GetService(ns, svc.Name) ?? throw new CrdServiceException($"kubernetes service not found: {ns}/{svc.Name}");
        var spec = service.Spec ?? new V1ServiceSpec();
        var port = ServicePort(service, ns, svc);
        if (spec.Type != "ExternalName" && svc.HealthCheck is not null)
            throw new CrdServiceException($"healthCheck allowed only for ExternalName services: {ns}/{svc.Name}");
        if (spec.Type == "ExternalName")
        {
            if (!options.AllowExternalNameServices) throw new CrdServiceException($"externalName services not allowed: {ns}/{svc.Name}");
            return [new Server { Url = $"{Protocol(svc.Scheme, port)}://{EndpointServers.JoinHostPort(spec.ExternalName ?? "", port.Port)}" }];
        }
        if (svc.NativeLB ?? options.NativeLBByDefault)
        {
            var address = EndpointServers.NativeAddress(spec, ns, svc.Name, port.Port, out var error)
                ?? throw new CrdServiceException("getting native Kubernetes Service address: " + error);
            return [new Server { Url = $"{Protocol(svc.Scheme, port)}://{address}" }];
        }
        if (spec.Type == "NodePort" && svc.NodePortLB)
        {
            if (options.DisableClusterScopeResources) throw new CrdServiceException("nodes lookup is disabled");
            if (snapshot.Nodes.Length == 0) throw new CrdServiceException($"nodes not found for NodePort service {ns}/{svc.Name}");
            var protocol = Protocol(svc.Scheme, port);
            var servers = new List<Server>();
            foreach (var node in snapshot.Nodes)
                foreach (var addr in node.Status?.Addresses ?? [])
                    if (addr.Type == "InternalIP")
                        servers.Add(new Server { Url = $"{protocol}://{EndpointServers.JoinHostPort(addr.Address, port.NodePort ?? 0)}" });
            if (servers.Count == 0) throw new CrdServiceException($"no servers were generated for service {svc.Name} in namespace");
            return servers;
        }
        // Traefik checks the scheme only for a slice that carries the port: an invalid scheme on a
        // Service without endpoints ends as "no servers found" (or an empty service).
        var found = snapshot.GetEndpointSlicesForService(ns, svc.Name).Any(s => (s.Ports ?? []).Any(p => p.Name is not null && p.Name == (port.Name ?? "") && (p.Port ?? 0) != 0))
            ? EndpointServers.FromSlices(snapshot, ns, svc.Name, port.Name ?? "", Protocol(svc.Scheme, port))
            : [];
        if (found.Count == 0 && !options.AllowEmptyServices) throw new CrdServiceException($"no servers found for {ns}/{svc.Name}");
        return found.Count == 0 ? null : found;
    }

    /// <summary>Traefik's getServicePort: by number or by name; an ExternalName Service takes any number.</summary>
    private static V1ServicePort ServicePort(V1Service service, string ns, ServiceRef svc)
    {
        var text = CrdNames.PortText(svc.Port);
        if (text.Length == 0) throw new CrdServiceException("ingressRoute service port not defined");
        bool byNumber = svc.Port is { ValueKind: JsonValueKind.Number };
        foreach (var p in service.Spec?.Ports ?? [])
            if (byNumber ? svc.Port!.Value.GetInt32() == p.Port : text == p.Name) return p;
        if (service.Spec?.Type != "ExternalName" || !byNumber) throw new CrdServiceException($"service port not found: {text}");
        return new V1ServicePort { Port = svc.Port!.Value.GetInt32() };
    }

    /// <summary>Traefik's parseServiceProtocol.</summary>
    private static string Protocol(string? scheme, V1ServicePort port) => scheme switch
    {
        "http" or "https" or "h2c" => scheme,
        null or "" => port.Port == 443 || (port.Name ?? "").StartsWith("https", StringComparison.Ordinal) ? "https" : "http",
        _ => throw new CrdServiceException($"invalid scheme \"{scheme}\" specified"),
    };
}
