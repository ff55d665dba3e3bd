using System.Text.Json.Serialization;

namespace Edge.Model;

// Traefik's TCP dynamic configuration (pkg/config/dynamic/tcp_config.go and tcp_middlewares.go),
// with its JSON names.

/// <summary>Traefik's <c>tcp</c> section: routers, services and middlewares of raw TCP connections.</summary>
public sealed class TcpConfig
{
    [JsonPropertyName("routers")] public SortedDictionary<string, TcpRouter> Routers { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("services")] public SortedDictionary<string, TcpService> Services { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("middlewares")] public SortedDictionary<string, TcpMiddleware> Middlewares { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Traefik's <c>tcp.serversTransports</c>; null when there is none.</summary>
    [JsonPropertyName("serversTransports")] public SortedDictionary<string, TcpServersTransport>? ServersTransports { get; set; }

    [JsonIgnore] public bool IsEmpty => Routers.Count == 0 && Services.Count == 0 && Middlewares.Count == 0 && ServersTransports is not { Count: > 0 };
}

public sealed class TcpRouter
{
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("middlewares")] public List<string>? Middlewares { get; set; }
    [JsonPropertyName("service")] public string Service { get; set; } = "";
    [JsonPropertyName("rule")] public string Rule { get; set; } = "";
    [JsonPropertyName("ruleSyntax")] public string? RuleSyntax { get; set; }
    [JsonPropertyName("priority"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long Priority { get; set; }
    [JsonPropertyName("tls")] public RouterTcpTls? Tls { get; set; }

    /// <summary>Why the provider keeps this router out of the data plane (Traefik drops it and logs); shown in /api/rawdata.</summary>
    [JsonIgnore] public string? DisabledReason { get; set; }
}

public sealed class RouterTcpTls
{
    [JsonPropertyName("passthrough")] public bool Passthrough { get; set; }
    [JsonPropertyName("options")] public string? Options { get; set; }
    [JsonPropertyName("certResolver")] public string? CertResolver { get; set; }
    [JsonPropertyName("domains")] public List<TlsDomain>? Domains { get; set; }
}

public sealed class TcpService
{
    [JsonPropertyName("loadBalancer")] public TcpServersLoadBalancer? LoadBalancer { get; set; }
    [JsonPropertyName("weighted")] public TcpWeightedRoundRobin? Weighted { get; set; }
}

public sealed class TcpServersLoadBalancer
{
    [JsonPropertyName("servers")] public List<TcpServer>? Servers { get; set; }
    [JsonPropertyName("serversTransport")] public string? ServersTransport { get; set; }
    [JsonPropertyName("proxyProtocol")] public TcpProxyProtocol? ProxyProtocol { get; set; }
    /// <summary>Milliseconds to wait after one side closed before closing the other (deprecated in Traefik, still read).</summary>
    [JsonPropertyName("terminationDelay")] public int? TerminationDelay { get; set; }
}

public sealed class TcpServer
{
    [JsonPropertyName("address")] public string Address { get; set; } = "";
    [JsonPropertyName("tls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Tls { get; set; }
}

/// <summary>The PROXY protocol header Edge sends to the servers; Traefik's default version is 2.</summary>
public sealed class TcpProxyProtocol
{
    [JsonPropertyName("version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Version { get; set; }
}

public sealed class TcpWeightedRoundRobin
{
    [JsonPropertyName("services")] public List<WeightedService>? Services { get; set; }
}

public sealed class TcpMiddleware
{
    [JsonPropertyName("ipAllowList")] public TcpIpAllowList? IpAllowList { get; set; }
    [JsonPropertyName("ipWhiteList")] public TcpIpAllowList? IpWhiteList { get; set; }
    [JsonPropertyName("inFlightConn")] public TcpInFlightConn? InFlightConn { get; set; }
}

public sealed class TcpIpAllowList
{
    [JsonPropertyName("sourceRange")] public List<string>? SourceRange { get; set; }
}

public sealed class TcpInFlightConn
{
    [JsonPropertyName("amount")] public long Amount { get; set; }
}
