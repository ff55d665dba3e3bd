using System.Text.Json.Serialization;
using Edge.Model;

namespace Edge.Api;

/// <summary>A TCP router as Traefik's API shows it (runtime.TCPRouterInfo).</summary>
public sealed class TcpRouterInfo : ApiElementStatus
{
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("middlewares")] public List<string>? Middlewares { get; set; }
    [JsonPropertyName("service")] public string Service { get; set; } = "";
    [JsonPropertyName("rule")] public string Rule { get; set; } = "";
    [JsonPropertyName("ruleSyntax")] public string? RuleSyntax { get; set; }
    [JsonPropertyName("priority")] public long Priority { get; set; }
    [JsonPropertyName("tls")] public RouterTcpTls? Tls { get; set; }
    [JsonPropertyName("using"), JsonPropertyOrder(ApiElementStatus.UsageOrder)] public List<string>? Using { get; set; }
}

/// <summary>A TCP service as Traefik's API shows it (runtime.TCPServiceInfo).</summary>
public sealed class TcpServiceInfo : ApiUsedElementStatus
{
    [JsonPropertyName("loadBalancer")] public TcpServersLoadBalancer? LoadBalancer { get; set; }
    [JsonPropertyName("weighted")] public TcpWeightedRoundRobin? Weighted { get; set; }
    [JsonPropertyName("serverStatus"), JsonPropertyOrder(ApiElementStatus.UsageOrder + 1)] public SortedDictionary<string, string>? ServerStatus { get; set; }
}

/// <summary>A TCP middleware as Traefik's API shows it (runtime.TCPMiddlewareInfo).</summary>
public sealed class TcpMiddlewareInfo : ApiUsedElementStatus
{
    [JsonPropertyName("ipAllowList")] public TcpIpAllowList? IpAllowList { get; set; }
    [JsonPropertyName("ipWhiteList")] public TcpIpAllowList? IpWhiteList { get; set; }
    [JsonPropertyName("inFlightConn")] public TcpInFlightConn? InFlightConn { get; set; }
}
