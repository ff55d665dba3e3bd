using System.Globalization;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Ingress;

/// <summary>
/// A Service backend to a Traefik service: servers from ready EndpointSlice endpoints (by port
/// name), or the ClusterIP (native LB), the ExternalName, or the nodes' NodePort. Throws
/// <see cref="TranslationException"/> with the reason when the backend cannot be served.
/// </summary>
public static class ServiceLoader
{
    public static Service Load(ClusterSnapshot snapshot, ProviderOptions options, string ns, V1IngressServiceBackend backend)
    {
        var service = snapshot.GetService(ns, backend.Name) ?? throw new TranslationException("service not found");
        var spec = service.Spec ?? new V1ServiceSpec();
        if (!options.AllowExternalNameServices && spec.Type == "ExternalName")
            throw new TranslationException($"externalName services not allowed: {ns}/{backend.Name}");

        V1ServicePort? portSpec = null;
        foreach (var p in spec.Ports ?? [])
        {
            if ((backend.Port?.Number is { } n && n == p.Port) || (!string.IsNullOrEmpty(p.Name) && backend.Port?.Name == p.Name))
            {
                portSpec = p;
                break;
            }
        }
        if (portSpec is null) throw new TranslationException("service port not found");
        var portName = portSpec.Name ?? "";

        ServiceAnnotations? svcConfig;
        try { svcConfig = IngressAnnotations.ParseService(service.Metadata?.Annotations); }
        catch (AnnotationException e) { throw new TranslationException(e.Message); }

        var lb = ServersLoadBalancer.WithDefaults();
        var svc = new Service { LoadBalancer = lb };
        var nativeLB = options.NativeLBByDefault;
        if (svcConfig is not null)
        {
            lb.Sticky = svcConfig.Sticky;
            svc.Middlewares = svcConfig.Middlewares;
            if (svcConfig.PassHostHeader is { } phh) lb.PassHostHeader = phh;
            if (!string.IsNullOrEmpty(svcConfig.ServersTransport))
            {
                if (options.CrossProviderNamespaces is not null && !options.CrossProviderNamespaces.Contains(ns))
                    throw new TranslationException($"cross-provider serversTransport reference is not allowed from namespace \"{ns}\"");
                lb.ServersTransport = svcConfig.ServersTransport;
            }
            if (svcConfig.NativeLB is { } nlb) nativeLB = nlb;
            if (svcConfig.NodePortLB && spec.Type == "NodePort")
            {
                if (options.DisableClusterScopeResources) throw new TranslationException("nodes lookup is disabled");
                if (snapshot.Nodes.Length == 0) throw new TranslationException($"nodes not found in namespace {ns}");
                var protocol = Protocol(portSpec, portName, svcConfig);
                var servers = new List<Server>();
                foreach (var node in snapshot.Nodes)
                    foreach (var addr in node.Status?.Addresses ?? [])
                        if (addr.Type == "InternalIP")
                            servers.Add(new Server { Url = $"{protocol}://{JoinHostPort(addr.Address, portSpec.NodePort ?? 0)}" });
                if (servers.Count == 0) throw new TranslationException($"no servers were generated for service {backend.Name} in namespace");
                lb.Servers = servers;
                return svc;
            }
        }

        if (spec.Type == "ExternalName")
        {
            var protocol = Protocol(portSpec, portName, svcConfig);
            lb.Servers = [new Server { Url = $"{protocol}://{JoinHostPort(spec.ExternalName ?? "", portSpec.Port)}" }];
            return svc;
        }

        if (nativeLB)
        {
            if (spec.ClusterIP == "None") throw new TranslationException($"getting native Kubernetes Service address: no clusterIP on headless service: {ns}/{backend.Name}");
            if (string.IsNullOrEmpty(spec.ClusterIP)) throw new TranslationException($"getting native Kubernetes Service address: no clusterIP found for service: {ns}/{backend.Name}");
            var protocol = Protocol(portSpec, portSpec.Name ?? "", svcConfig);
            lb.Servers = [new Server { Url = $"{protocol}://{JoinHostPort(spec.ClusterIP, portSpec.Port)}" }];
            return svc;
        }

        var seen = new HashSet<string>();
        foreach (var slice in snapshot.GetEndpointSlicesForService(ns, backend.Name))
        {
            int port = 0;
            foreach (var p in slice.Ports ?? [])
            {
                if (p.Name is not null && p.Name == portName) { port = p.Port ?? 0; break; }
            }
            if (port == 0) continue;
            var protocol = Protocol(portSpec, portName, svcConfig);
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                // Serving: ready or terminating pods that still take traffic; nil means true.
                if (!(endpoint.Conditions?.Serving ?? true)) continue;
                foreach (var address in endpoint.Addresses ?? [])
                {
                    if (!seen.Add(address)) continue;
                    (lb.Servers ??= new List<Server>()).Add(new Server
                    {
                        Url = $"{protocol}://{JoinHostPort(address, port)}",
                        Fenced = endpoint.Conditions?.Terminating == true ? true : null,
                    });
                }
            }
        }
        return svc;
    }

    private static string Protocol(V1ServicePort portSpec, string portName, ServiceAnnotations? config)
    {
        if (!string.IsNullOrEmpty(config?.ServersScheme)) return config.ServersScheme;
        return portSpec.Port == 443 || portName.StartsWith("https", StringComparison.Ordinal) ? "https" : "http";
    }

    /// <summary>Go's net.JoinHostPort: IPv6 literals in brackets.</summary>
    public static string JoinHostPort(string host, int port) =>
        (host.Contains(':') ? "[" + host + "]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);
}

public sealed class TranslationException(string message) : Exception(message);
