using Edge.Configuration;
using Edge.Providers.Kubernetes.Client;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Ingress;

/// <summary>
/// The status.loadBalancer.ingress an Ingress should carry, as Traefik's updateIngressStatus computes
/// it: the nodes' internal IPs (reportNodeInternalIPs), a fixed ip/hostname, or a copy of a published
/// Service's address (LoadBalancer status, ClusterIP externalIPs, NodePort nodes, ExternalName).
/// Null means "leave the status alone".
/// </summary>
public static class IngressStatusComputer
{
    public static IList<V1IngressLoadBalancerIngress>? Compute(ClusterSnapshot snapshot, ProviderOptions options, out string? error)
    {
        error = null;
        if (options.ReportNodeInternalIPs)
        {
            var ips = snapshot.Nodes.SelectMany(n => n.Status?.Addresses ?? []).Where(a => a.Type == "InternalIP")
                .Select(a => new V1IngressLoadBalancerIngress { Ip = a.Address }).ToList();
            if (ips.Count == 0) { error = "No nodes with internal IP address found for ingress status"; return null; }
            return ips;
        }
        if (!options.HasIngressEndpoint) return null;
        if (options.IngressEndpointPublishedService.Length == 0)
            return [new V1IngressLoadBalancerIngress { Ip = NullIfEmpty(options.IngressEndpointIp), Hostname = NullIfEmpty(options.IngressEndpointHostname) }];

        var parts = options.IngressEndpointPublishedService.Split('/');
        if (parts.Length != 2) { error = $"invalid publishedService format (expected 'namespace/service' format): {options.IngressEndpointPublishedService}"; return null; }
        var service = snapshot.GetService(parts[0], parts[1]);
        if (service is null) { error = $"missing service: {options.IngressEndpointPublishedService}"; return null; }
        var spec = service.Spec ?? new V1ServiceSpec();
        switch (spec.Type ?? "ClusterIP")
        {
            case "LoadBalancer":
                if (service.Status?.LoadBalancer?.Ingress is not { } lbs) return null;   // no LB status yet
                return lbs.Select(i => new V1IngressLoadBalancerIngress
                {
                    Ip = i.Ip, Hostname = i.Hostname,
                    Ports = i.Ports?.Select(p => new V1IngressPortStatus { Port = p.Port, Protocol = p.Protocol, Error = p.Error }).ToList(),
                }).ToList();
            case "ClusterIP":
            {
                var ports = spec.Ports?.Select(p => new V1IngressPortStatus { Port = p.Port, Protocol = p.Protocol ?? "TCP" }).ToList();
                return (spec.ExternalIPs ?? []).Select(ip => new V1IngressLoadBalancerIngress { Ip = ip, Ports = ports }).ToList();
            }
            case "NodePort":
            {
                if (options.DisableClusterScopeResources) { error = "node port service type is not supported when cluster scope resources lookup is disabled"; return null; }
                var ports = spec.Ports?.Select(p => new V1IngressPortStatus { Port = p.NodePort ?? 0, Protocol = p.Protocol ?? "TCP" }).ToList();
                return snapshot.Nodes.SelectMany(n => n.Status?.Addresses ?? []).Where(a => a.Type == "ExternalIP")
                    .Select(a => new V1IngressLoadBalancerIngress { Ip = a.Address, Ports = ports }).ToList();
            }
            case "ExternalName":
                return [new V1IngressLoadBalancerIngress { Hostname = spec.ExternalName }];
            default:
                error = $"unsupported service type: {spec.Type}";
                return null;
        }
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
