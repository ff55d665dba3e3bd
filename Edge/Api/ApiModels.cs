using System.Text.Json.Serialization;
using Edge.Model;

namespace Edge.Api;

/// <summary>A router as Traefik's API shows it: its configuration plus runtime status.</summary>
public sealed class RouterInfo : ApiElementStatus
{
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("middlewares")] public List<string>? Middlewares { get; set; }
    [JsonPropertyName("service")] public string Service { get; set; } = "";
    [JsonPropertyName("rule")] public string Rule { get; set; } = "";
    [JsonPropertyName("ruleSyntax")] public string? RuleSyntax { get; set; }
    [JsonPropertyName("priority")] public long Priority { get; set; }
    [JsonPropertyName("tls")] public RouterTls? Tls { get; set; }
    [JsonPropertyName("observability")] public RouterObservability? Observability { get; set; }
    [JsonPropertyName("using"), JsonPropertyOrder(ApiElementStatus.UsageOrder)] public List<string>? Using { get; set; }

    /// <summary>The namespace of the Ingress it came from (<see cref="Router.Namespace"/>): the API's namespace filter. Not in Traefik's JSON.</summary>
    [JsonIgnore] public string? Namespace { get; set; }
}

/// <summary>A service as Traefik's API shows it.</summary>
public sealed class ServiceInfo : ApiUsedElementStatus
{
    [JsonPropertyName("loadBalancer")] public ServersLoadBalancer? LoadBalancer { get; set; }
    [JsonPropertyName("weighted")] public WeightedRoundRobinService? Weighted { get; set; }
    [JsonPropertyName("mirroring")] public MirroringService? Mirroring { get; set; }
    [JsonPropertyName("failover")] public FailoverService? Failover { get; set; }
    [JsonPropertyName("middlewares")] public List<string>? Middlewares { get; set; }
    [JsonPropertyName("serverStatus"), JsonPropertyOrder(ApiElementStatus.UsageOrder + 1)] public SortedDictionary<string, string>? ServerStatus { get; set; }
}

/// <summary>A middleware as Traefik's API shows it: its configuration (one type set) plus runtime status.</summary>
public sealed class MiddlewareInfo : ApiUsedElementStatus
{
    [JsonPropertyName("addPrefix")] public AddPrefixConfig? AddPrefix { get; set; }
    [JsonPropertyName("stripPrefix")] public StripPrefixConfig? StripPrefix { get; set; }
    [JsonPropertyName("stripPrefixRegex")] public StripPrefixRegexConfig? StripPrefixRegex { get; set; }
    [JsonPropertyName("replacePath")] public ReplacePathConfig? ReplacePath { get; set; }
    [JsonPropertyName("replacePathRegex")] public ReplacePathRegexConfig? ReplacePathRegex { get; set; }
    [JsonPropertyName("chain")] public ChainConfig? Chain { get; set; }
    [JsonPropertyName("ipAllowList")] public IpAllowListConfig? IpAllowList { get; set; }
    [JsonPropertyName("headers")] public HeadersConfig? Headers { get; set; }
    [JsonPropertyName("redirectRegex")] public RedirectRegexConfig? RedirectRegex { get; set; }
    [JsonPropertyName("redirectScheme")] public RedirectSchemeConfig? RedirectScheme { get; set; }
    [JsonPropertyName("basicAuth")] public BasicAuthConfig? BasicAuth { get; set; }
    [JsonPropertyName("rateLimit")] public RateLimitConfig? RateLimit { get; set; }
    [JsonPropertyName("inFlightReq")] public InFlightReqConfig? InFlightReq { get; set; }
    [JsonPropertyName("compress")] public CompressConfig? Compress { get; set; }
    [JsonPropertyName("forwardAuth")] public ForwardAuthConfig? ForwardAuth { get; set; }
    [JsonPropertyName("errors")] public ErrorPageConfig? Errors { get; set; }
    [JsonPropertyName("retry")] public RetryConfig? Retry { get; set; }
    [JsonPropertyName("buffering")] public BufferingConfig? Buffering { get; set; }
    [JsonPropertyName("circuitBreaker")] public CircuitBreakerConfig? CircuitBreaker { get; set; }
    [JsonPropertyName("digestAuth")] public DigestAuthConfig? DigestAuth { get; set; }
    [JsonPropertyName("contentType")] public ContentTypeConfig? ContentType { get; set; }
    [JsonPropertyName("encodedCharacters")] public EncodedCharactersConfig? EncodedCharacters { get; set; }
    [JsonPropertyName("passTLSClientCert")] public PassTlsClientCertConfig? PassTlsClientCert { get; set; }
    [JsonPropertyName("grpcWeb")] public GrpcWebConfig? GrpcWeb { get; set; }
}

/// <summary>/api/rawdata.</summary>
public sealed class RawData
{
    [JsonPropertyName("routers")] public SortedDictionary<string, RouterInfo> Routers { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("middlewares")] public SortedDictionary<string, MiddlewareInfo> Middlewares { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("services")] public SortedDictionary<string, ServiceInfo> Services { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("tcpRouters")] public SortedDictionary<string, TcpRouterInfo>? TcpRouters { get; set; }
    [JsonPropertyName("tcpMiddlewares")] public SortedDictionary<string, TcpMiddlewareInfo>? TcpMiddlewares { get; set; }
    [JsonPropertyName("tcpServices")] public SortedDictionary<string, TcpServiceInfo>? TcpServices { get; set; }
    [JsonPropertyName("udpRouters")] public SortedDictionary<string, UdpRouterInfo>? UdpRouters { get; set; }
    [JsonPropertyName("udpServices")] public SortedDictionary<string, UdpServiceInfo>? UdpServices { get; set; }
}

public sealed class SectionCount
{
    [JsonPropertyName("total")] public int Total { get; set; }
    [JsonPropertyName("warnings")] public int Warnings { get; set; }
    [JsonPropertyName("errors")] public int Errors { get; set; }
}

public sealed class HttpOverview
{
    [JsonPropertyName("routers")] public SectionCount Routers { get; set; } = new();
    [JsonPropertyName("services")] public SectionCount Services { get; set; } = new();
    [JsonPropertyName("middlewares")] public SectionCount Middlewares { get; set; } = new();
}

/// <summary>Traefik's UDP section has no middlewares.</summary>
public sealed class UdpOverview
{
    [JsonPropertyName("routers")] public SectionCount Routers { get; set; } = new();
    [JsonPropertyName("services")] public SectionCount Services { get; set; } = new();
}

public sealed class Overview
{
    [JsonPropertyName("http")] public HttpOverview Http { get; set; } = new();
    [JsonPropertyName("tcp")] public HttpOverview Tcp { get; set; } = new();
    [JsonPropertyName("udp")] public UdpOverview Udp { get; set; } = new();
    [JsonPropertyName("features")] public OverviewFeatures Features { get; set; } = new();
    [JsonPropertyName("providers")] public List<string> Providers { get; set; } = new();
}

/// <summary>Traefik's overview features: accessLog is a boolean there, not a string.</summary>
public sealed class OverviewFeatures
{
    [JsonPropertyName("tracing")] public string Tracing { get; set; } = "";
    [JsonPropertyName("metrics")] public string Metrics { get; set; } = "";
    [JsonPropertyName("accessLog")] public bool AccessLog { get; set; }
}

public sealed class VersionInfo
{
    [JsonPropertyName("Version")] public string Version { get; set; } = "";
    [JsonPropertyName("Codename")] public string Codename { get; set; } = "";
    [JsonPropertyName("startDate")] public DateTimeOffset StartDate { get; set; }
}

public sealed class ApiMessage
{
    [JsonPropertyName("message")] public string Message { get; set; } = "";
}

public sealed class EntryPointInfo
{
    [JsonPropertyName("address")] public string Address { get; set; } = "";
    [JsonPropertyName("name")] public string Name { get; set; } = "";
}

// Write-only: Serialization mode generates the fast-path writers and no property metadata (the
// configuration types' metadata lives once, in ModelJsonContext, which reads them). Issue 18: size.
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(RawData))]
[JsonSerializable(typeof(List<RouterInfo>))]
[JsonSerializable(typeof(List<ServiceInfo>))]
[JsonSerializable(typeof(RouterInfo))]
[JsonSerializable(typeof(List<MiddlewareInfo>))]
[JsonSerializable(typeof(MiddlewareInfo))]
[JsonSerializable(typeof(EdgeStatus))]
[JsonSerializable(typeof(RouterExtras))]
[JsonSerializable(typeof(TrafficView))]
[JsonSerializable(typeof(ServiceInfo))]
[JsonSerializable(typeof(List<TcpRouterInfo>))]
[JsonSerializable(typeof(List<TcpServiceInfo>))]
[JsonSerializable(typeof(List<TcpMiddlewareInfo>))]
[JsonSerializable(typeof(TcpRouterInfo))]
[JsonSerializable(typeof(TcpServiceInfo))]
[JsonSerializable(typeof(TcpMiddlewareInfo))]
[JsonSerializable(typeof(List<UdpRouterInfo>))]
[JsonSerializable(typeof(List<UdpServiceInfo>))]
[JsonSerializable(typeof(UdpRouterInfo))]
[JsonSerializable(typeof(UdpServiceInfo))]
[JsonSerializable(typeof(Overview))]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(ApiMessage))]
[JsonSerializable(typeof(List<EntryPointInfo>))]
public sealed partial class ApiJsonContext : JsonSerializerContext
{
}
