using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Shared;
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
            var address = EndpointServers.NativeAddress(spec, ns, backend.Name, portSpec.Port, out var nativeError)
                ?? throw new TranslationException("getting native Kubernetes Service address: " + nativeError);
            lb.Servers = [new Server { Url = $"{Protocol(portSpec, portSpec.Name ?? "", svcConfig)}://{address}" }];
            return svc;
        }

        var found = EndpointServers.FromSlices(snapshot, ns, backend.Name, portName, Protocol(portSpec, portName, svcConfig));
        if (found.Count > 0) lb.Servers = found;
        return svc;
    }

    private static string Protocol(V1ServicePort portSpec, string portName, ServiceAnnotations? config)
    {
        if (!string.IsNullOrEmpty(config?.ServersScheme)) return config.ServersScheme;
        return portSpec.Port == 443 || portName.StartsWith("https", StringComparison.Ordinal) ? "https" : "http";
    }

    private static string JoinHostPort(string host, int port) => EndpointServers.JoinHostPort(host, port);
}

public sealed class TranslationException(string message) : Exception(message);
