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
    /// <summary>Set (even empty): the children's health decides which are picked, and this service reports its own up.</summary>
    [JsonPropertyName("healthCheck")] public HealthCheck? HealthCheck { get; set; }
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
    [JsonPropertyName("healthCheck")] public HealthCheck? HealthCheck { get; set; }
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
    [JsonPropertyName("healthCheck")] public HealthCheck? HealthCheck { get; set; }
    [JsonPropertyName("errors")] public FailoverErrors? Errors { get; set; }
}

public sealed class FailoverErrors
{
    [JsonPropertyName("maxRequestBodyBytes")] public long? MaxRequestBodyBytes { get; set; }
    [JsonPropertyName("status")] public List<string>? Status { get; set; }
}

/// <summary>
/// Traefik's empty HealthCheck of a service of services: present, the service follows its
/// children's health and reports its own status to its parents (Traefik's StatusUpdater).
/// </summary>
public sealed class HealthCheck
{
}

/// <summary>Traefik's ServerHealthCheck: active checks of a load balancer's servers.</summary>
public sealed class ServerHealthCheck
{
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
    [JsonPropertyName("mode")] public string? Mode { get; set; }
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("method")] public string? Method { get; set; }
    [JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Status { get; set; }
    [JsonPropertyName("port"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Port { get; set; }
    [JsonPropertyName("interval")] public string? Interval { get; set; }
    [JsonPropertyName("unhealthyInterval")] public string? UnhealthyInterval { get; set; }
    [JsonPropertyName("timeout")] public string? Timeout { get; set; }
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("followRedirects")] public bool? FollowRedirects { get; set; }
    [JsonPropertyName("headers")] public SortedDictionary<string, string>? Headers { get; set; }

    /// <summary>Traefik's ServerHealthCheck.SetDefaults().</summary>
    public void SetDefaults()
    {
        FollowRedirects ??= true;
        Mode ??= "http";
        Interval ??= "30s";
        Timeout ??= "5s";
    }
}
