using System.Text.Json.Serialization;

namespace Edge.Model;

// Traefik's UDP dynamic configuration (pkg/config/dynamic/udp_config.go), with its JSON names.

/// <summary>Traefik's <c>udp</c> section: routers (an entry point and a service, no rule) and services.</summary>
public sealed class UdpConfig
{
    [JsonPropertyName("routers")] public SortedDictionary<string, UdpRouter> Routers { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("services")] public SortedDictionary<string, UdpService> Services { get; set; } = new(StringComparer.Ordinal);

    [JsonIgnore] public bool IsEmpty => Routers.Count == 0 && Services.Count == 0;
}

public sealed class UdpRouter
{
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("service")] public string Service { get; set; } = "";
}

public sealed class UdpService
{
    [JsonPropertyName("loadBalancer")] public UdpServersLoadBalancer? LoadBalancer { get; set; }
    [JsonPropertyName("weighted")] public UdpWeightedRoundRobin? Weighted { get; set; }
}

public sealed class UdpServersLoadBalancer
{
    [JsonPropertyName("servers")] public List<UdpServer>? Servers { get; set; }
}

public sealed class UdpServer
{
    [JsonPropertyName("address")] public string Address { get; set; } = "";
}

public sealed class UdpWeightedRoundRobin
{
    [JsonPropertyName("services")] public List<WeightedService>? Services { get; set; }
}
