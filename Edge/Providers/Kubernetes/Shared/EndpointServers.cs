using System.Globalization;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Shared;

/// <summary>
/// The servers of a Kubernetes Service as both of Traefik's Kubernetes providers compute them
/// (the Ingress provider's and the CRD provider's loadServers are the same code): the serving
/// endpoints of its EndpointSlices, or its ClusterIP (native load balancing).
/// </summary>
public static class EndpointServers
{
    /// <summary>
    /// Every serving address of the slices that carry <paramref name="portName"/>, once each; a
    /// terminating endpoint is kept but fenced (it finishes what it has, gets nothing new).
    /// </summary>
    public static List<Server> FromSlices(ClusterSnapshot snapshot, string ns, string service, string portName, string protocol)
    {
        var servers = new List<Server>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slice in snapshot.GetEndpointSlicesForService(ns, service))
        {
            int port = 0;
            foreach (var p in slice.Ports ?? [])
            {
                if (p.Name is not null && p.Name == portName) { port = p.Port ?? 0; break; }
            }
            if (port == 0) continue;
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                // Serving: ready or terminating pods that still take traffic; nil means true.
                if (!(endpoint.Conditions?.Serving ?? true)) continue;
                foreach (var address in endpoint.Addresses ?? [])
                {
                    if (!seen.Add(address)) continue;
                    servers.Add(new Server
                    {
                        Url = $"{protocol}://{JoinHostPort(address, port)}",
                        Fenced = endpoint.Conditions?.Terminating == true ? true : null,
                    });
                }
            }
        }
        return servers;
    }

    /// <summary>Traefik's getNativeServiceAddress: the ClusterIP and port, or the reason there is none.</summary>
    public static string? NativeAddress(V1ServiceSpec spec, string ns, string name, int port, out string? error)
    {
        error = spec.ClusterIP switch
        {
            "None" => $"no clusterIP on headless service: {ns}/{name}",
            null or "" => $"no clusterIP found for service: {ns}/{name}",
            _ => null,
        };
        return error is null ? JoinHostPort(spec.ClusterIP!, port) : null;
    }

    /// <summary>Go's net.JoinHostPort: IPv6 literals in brackets.</summary>
    public static string JoinHostPort(string host, int port) =>
        (host.Contains(':') ? "[" + host + "]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);
}
