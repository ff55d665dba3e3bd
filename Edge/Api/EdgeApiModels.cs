using System.Text.Json.Serialization;

namespace Edge.Api;

/// <summary>
/// What /api/edge/* reads besides the configuration, set by the host once it exists; anything
/// left null is reported as absent (a unit test or a start without metrics).
/// </summary>
public sealed class EdgeStatusSources
{
    /// <summary>Leader election on: whether this replica leads now.</summary>
    public Func<bool>? IsLeader { get; set; }
    /// <summary>The certificate the data plane would serve for an SNI name, and whether it is the default one.</summary>
    public Func<string, (System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate, bool IsDefault)?>? CertificateFor { get; set; }
    /// <summary>The last merge that failed (kept until one succeeds), from the aggregator.</summary>
    public Func<(DateTimeOffset At, string Error)?>? LastReloadFailure { get; set; }
    public Observability.Traffic.TrafficSampler? Traffic { get; set; }
}

/// <summary>/api/edge/status: what the overview shows beyond Traefik's /api/overview.</summary>
public sealed class EdgeStatus
{
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    [JsonPropertyName("entryPoints")] public List<EdgeEntryPoint> EntryPoints { get; set; } = new();
    [JsonPropertyName("features")] public EdgeFeatures Features { get; set; } = new();
    [JsonPropertyName("configuration")] public EdgeConfigurationState Configuration { get; set; } = new();
    [JsonPropertyName("namespaces")] public List<string> Namespaces { get; set; } = new();
}

public sealed class EdgeEntryPoint
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("address")] public string Address { get; set; } = "";
    [JsonPropertyName("tls")] public bool Tls { get; set; }
    [JsonPropertyName("tlsOptions")] public string? TlsOptions { get; set; }
    [JsonPropertyName("redirectTo")] public string? RedirectTo { get; set; }
}

public sealed class EdgeFeatures
{
    [JsonPropertyName("tenancy")] public bool Tenancy { get; set; }
    [JsonPropertyName("leaderElection")] public bool LeaderElection { get; set; }
    /// <summary>Null without leader election (every replica writes, as Traefik).</summary>
    [JsonPropertyName("leader")] public bool? Leader { get; set; }
    [JsonPropertyName("accessLog")] public bool AccessLog { get; set; }
    [JsonPropertyName("metrics")] public bool Metrics { get; set; }
    [JsonPropertyName("tracing")] public bool Tracing { get; set; }
    /// <summary>Live traffic is sampled (needs metrics.prometheus).</summary>
    [JsonPropertyName("traffic")] public bool Traffic { get; set; }
    /// <summary>Per-router traffic (needs metrics.prometheus.addRoutersLabels).</summary>
    [JsonPropertyName("routerTraffic")] public bool RouterTraffic { get; set; }
}

public sealed class EdgeConfigurationState
{
    [JsonPropertyName("generation")] public long Generation { get; set; }
    [JsonPropertyName("appliedAt")] public DateTimeOffset? AppliedAt { get; set; }
    [JsonPropertyName("reloads")] public long Reloads { get; set; }
    [JsonPropertyName("lastReloadSucceeded")] public bool LastReloadSucceeded { get; set; } = true;
    [JsonPropertyName("lastReloadError")] public string? LastReloadError { get; set; }
    [JsonPropertyName("lastReloadErrorAt")] public DateTimeOffset? LastReloadErrorAt { get; set; }
    /// <summary>The providers' translation issues of the applied configuration (first 100).</summary>
    [JsonPropertyName("issues")] public List<string> Issues { get; set; } = new();
    [JsonPropertyName("issueCount")] public int IssueCount { get; set; }
}

/// <summary>/api/edge/http/routers/{name}: what a router's detail page needs beyond Traefik's router.</summary>
public sealed class RouterExtras
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    /// <summary>The Ingress the router comes from (namespace/name), when it comes from one.</summary>
    [JsonPropertyName("source")] public string? Source { get; set; }
    [JsonPropertyName("chain")] public List<ChainStep> Chain { get; set; } = new();
    [JsonPropertyName("service")] public ChainStep? Service { get; set; }
    [JsonPropertyName("certificates")] public List<CertificateView> Certificates { get; set; } = new();
}

/// <summary>One middleware of the chain (in order) or the service, resolved to its qualified name.</summary>
public sealed class ChainStep
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("type")] public string? Type { get; set; }
    /// <summary>enabled, warning, disabled, or missing (named but not configured).</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = "";
    [JsonPropertyName("error")] public List<string>? Error { get; set; }
}

/// <summary>The certificate served for one host of a TLS router: never the key.</summary>
public sealed class CertificateView
{
    [JsonPropertyName("host")] public string Host { get; set; } = "";
    [JsonPropertyName("subject")] public string Subject { get; set; } = "";
    [JsonPropertyName("issuer")] public string Issuer { get; set; } = "";
    [JsonPropertyName("sans")] public List<string> Sans { get; set; } = new();
    [JsonPropertyName("notAfter")] public DateTimeOffset NotAfter { get; set; }
    [JsonPropertyName("default")] public bool IsDefault { get; set; }
}

/// <summary>/api/edge/traffic: ring-buffer series, oldest point first.</summary>
public sealed class TrafficView
{
    [JsonPropertyName("enabled")] public bool Enabled { get; set; }
    [JsonPropertyName("reason")] public string? Reason { get; set; }
    [JsonPropertyName("intervalSeconds")] public double IntervalSeconds { get; set; }
    [JsonPropertyName("tick")] public long Tick { get; set; }
    [JsonPropertyName("sampledAt")] public DateTimeOffset? SampledAt { get; set; }
    [JsonPropertyName("series")] public List<TrafficSeriesView> Series { get; set; } = new();
}

public sealed class TrafficSeriesView
{
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("requests")] public long Requests { get; set; }
    [JsonPropertyName("rate")] public float[] Rate { get; set; } = [];
    [JsonPropertyName("share4xx")] public float[] Share4xx { get; set; } = [];
    [JsonPropertyName("share5xx")] public float[] Share5xx { get; set; } = [];
    [JsonPropertyName("p50")] public float[] P50 { get; set; } = [];
    [JsonPropertyName("p99")] public float[] P99 { get; set; } = [];
    [JsonPropertyName("mean")] public float[] Mean { get; set; } = [];
}
