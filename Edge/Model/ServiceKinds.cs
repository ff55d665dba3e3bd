using System.Text.Json.Serialization;

namespace Edge.Model;

// Traefik's services of services (pkg/config/dynamic/http_config.go), with its JSON names: a
// service is a loadBalancer of servers or one of these, naming other services. A name without
// "@" belongs to the provider of the service that names it.

/// <summary>Traefik's WeightedRoundRobin: a weighted split between services, optionally sticky (a cookie naming the child).</summary>
public sealed class WeightedRoundRobinService
{
    [JsonPropertyName("services")] public List<WeightedService>? Services { get; set; }
    [JsonPropertyName("sticky")] public Sticky? Sticky { get; set; }
}

public sealed class WeightedService
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("weight")] public int? Weight { get; set; }
}

/// <summary>Traefik's Mirroring: the main service answers; copies of a percentage of requests go to each mirror.</summary>
public sealed class MirroringService
{
    [JsonPropertyName("service")] public string? Service { get; set; }
    [JsonPropertyName("mirrorBody")] public bool? MirrorBody { get; set; }
    [JsonPropertyName("maxBodySize")] public long? MaxBodySize { get; set; }
    [JsonPropertyName("mirrors")] public List<MirrorService>? Mirrors { get; set; }
}

public sealed class MirrorService
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("percent"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Percent { get; set; }
}

/// <summary>Traefik's Failover: the fallback answers while the main service is down (health-check driven).</summary>
public sealed class FailoverService
{
    [JsonPropertyName("service")] public string? Service { get; set; }
    [JsonPropertyName("fallback")] public string? Fallback { get; set; }
    [JsonPropertyName("errors")] public FailoverErrors? Errors { get; set; }
}

public sealed class FailoverErrors
{
    [JsonPropertyName("maxRequestBodyBytes")] public long? MaxRequestBodyBytes { get; set; }
    [JsonPropertyName("status")] public List<string>? Status { get; set; }
}
