using System.Text.Json.Serialization;
using Edge.Model;

namespace Edge.Api;

/// <summary>A TCP router as Traefik's API shows it (runtime.TCPRouterInfo).</summary>
public sealed class TcpRouterInfo
{
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("middlewares")] public List<string>? Middlewares { get; set; }
    [JsonPropertyName("service")] public string Service { get; set; } = "";
    [JsonPropertyName("rule")] public string Rule { get; set; } = "";
    [JsonPropertyName("ruleSyntax")] public string? RuleSyntax { get; set; }
    [JsonPropertyName("priority")] public long Priority { get; set; }
    [JsonPropertyName("tls")] public RouterTcpTls? Tls { get; set; }
    [JsonPropertyName("error")] public List<string>? Error { get; set; }
    [JsonPropertyName("status")] public string Status { get; set; } = "enabled";
    [JsonPropertyName("using")] public List<string>? Using { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("provider")] public string? Provider { get; set; }
}

/// <summary>A TCP service as Traefik's API shows it (runtime.TCPServiceInfo).</summary>
public sealed class TcpServiceInfo
{
    [JsonPropertyName("loadBalancer")] public TcpServersLoadBalancer? LoadBalancer { get; set; }
    [JsonPropertyName("weighted")] public TcpWeightedRoundRobin? Weighted { get; set; }
    [JsonPropertyName("error")] public List<string>? Error { get; set; }
    [JsonPropertyName("status")] public string Status { get; set; } = "enabled";
    [JsonPropertyName("usedBy")] public List<string>? UsedBy { get; set; }
    [JsonPropertyName("serverStatus")] public SortedDictionary<string, string>? ServerStatus { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("provider")] public string? Provider { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
}

/// <summary>A TCP middleware as Traefik's API shows it (runtime.TCPMiddlewareInfo).</summary>
public sealed class TcpMiddlewareInfo
{
    [JsonPropertyName("ipAllowList")] public TcpIpAllowList? IpAllowList { get; set; }
    [JsonPropertyName("ipWhiteList")] public TcpIpAllowList? IpWhiteList { get; set; }
    [JsonPropertyName("inFlightConn")] public TcpInFlightConn? InFlightConn { get; set; }
    [JsonPropertyName("error")] public List<string>? Error { get; set; }
    [JsonPropertyName("status")] public string Status { get; set; } = "enabled";
    [JsonPropertyName("usedBy")] public List<string>? UsedBy { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("provider")] public string? Provider { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
}
