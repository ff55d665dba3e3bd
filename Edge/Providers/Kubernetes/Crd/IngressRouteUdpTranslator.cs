using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's loadIngressRouteUDPConfiguration (kubernetes_udp.go) as a pure function: route i of an
/// IngressRouteUDP becomes a UDP router and a service named <c>namespace-name-i</c>; several services
/// become a weighted service of <c>&lt;that name&gt;-&lt;service&gt;-&lt;port&gt;</c> children (weight 1 by
/// default). Servers as for TCP: ready endpoints, nativeLB, nodePortLB, ExternalName. A service Traefik
/// cannot build is left out and logged naming the object (its router is then in error).
/// </summary>
public static class IngressRouteUdpTranslator
{
    private const string IngressClassAnnotation = "kubernetes.io/ingress.class";

    public static UdpConfig? Translate(ClusterSnapshot snapshot, CrdProviderOptions options, List<TranslationIssue> issues)
    {
        if (snapshot.IngressRouteUdps.Length == 0) return null;
        var udp = new UdpConfig();
        foreach (var route in snapshot.IngressRouteUdps)
        {
            var ns = route.Metadata?.NamespaceProperty ?? "";
            var name = string.IsNullOrEmpty(route.Metadata?.Name) ? route.Metadata?.GenerateName ?? "" : route.Metadata.Name;
            void Issue(string message) => issues.Add(new TranslationIssue("IngressRouteUDP", ns, name, message));
            if (IngressRouteTcpTranslator.Parse(route.Spec, CrdUdpJsonContext.Default.IngressRouteUdpSpec, out var unserved, out var parseError) is not { } spec)
            {
                Issue(parseError!);
                continue;
            }
            if (unserved is not null) { Issue(unserved); continue; }
            string? className = spec.IngressClassName;
            if (className is null && route.Metadata?.Annotations?.TryGetValue(IngressClassAnnotation, out var annotated) == true && annotated.Length > 0)
                className = annotated;
            className ??= "";
            if (options.IngressClass != className && !(options.IngressClass.Length == 0 && className == "traefik")) continue;
            for (int i = 0; i < (spec.Routes?.Count ?? 0); i++)
            {
                var serviceName = CrdNames.MakeId(ns, $"{name}-{i}");
                var list = spec.Routes![i].Services ?? [];
                foreach (var s in list)
                {
                    UdpService lb;
                    try { lb = LoadBalancer(snapshot, options, ns, s); }
                    catch (CrdServiceException e)
                    {
                        Issue($"Cannot create service {s.Name} (port {CrdNames.PortText(s.Port)}): {e.Message}");
                        continue;
                    }
                    if (list.Count == 1)
                    {
                        udp.Services[serviceName] = lb;
                        break;
                    }
                    var key = $"{serviceName}-{s.Name}-{CrdNames.PortText(s.Port)}";
                    udp.Services[key] = lb;
                    if (!udp.Services.TryGetValue(serviceName, out var weighted)) udp.Services[serviceName] = weighted = new UdpService { Weighted = new UdpWeightedRoundRobin { Services = [] } };
                    weighted.Weighted!.Services!.Add(new WeightedService { Name = key, Weight = s.Weight ?? 1 });
                }
                udp.Routers[serviceName] = new UdpRouter { EntryPoints = spec.EntryPoints, Service = serviceName };
            }
        }
        return udp;
    }

    /// <summary>Traefik's createLoadBalancerServerUDP.</summary>
    private static UdpService LoadBalancer(ClusterSnapshot snapshot, CrdProviderOptions options, string parentNs, ServiceUdpSpec s)
    {
        var ns = string.IsNullOrEmpty(s.Namespace) ? parentNs : s.Namespace;
        if (!options.AllowCrossNamespace && ns != parentNs)
            throw new CrdServiceException($"udp service {ns}/{s.Name} is not in the parent resource namespace {parentNs}");
        var tcp = new ServiceTcpSpec { Name = s.Name, Namespace = s.Namespace, Port = s.Port, NativeLB = s.NativeLB, NodePortLB = s.NodePortLB };
        var servers = IngressRouteTcpTranslator.Servers(snapshot, options, ns, tcp);
        return new UdpService { LoadBalancer = new UdpServersLoadBalancer { Servers = servers.Select(x => new UdpServer { Address = x.Address }).ToList() } };
    }
}

// IngressRouteUDP's spec (traefikio/v1alpha1/ingressrouteudp.go); any other field refuses the object.

public sealed class IngressRouteUdpSpec
{
    [JsonPropertyName("ingressClassName")] public string? IngressClassName { get; set; }
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("routes")] public List<RouteUdpSpec>? Routes { get; set; }
}

public sealed class RouteUdpSpec
{
    [JsonPropertyName("services")] public List<ServiceUdpSpec>? Services { get; set; }
}

public sealed class ServiceUdpSpec
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("port")] public JsonElement? Port { get; set; }
    [JsonPropertyName("weight")] public int? Weight { get; set; }
    [JsonPropertyName("nativeLB")] public bool? NativeLB { get; set; }
    [JsonPropertyName("nodePortLB")] public bool NodePortLB { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IngressRouteUdpSpec))]
public sealed partial class CrdUdpJsonContext : JsonSerializerContext
{
}
