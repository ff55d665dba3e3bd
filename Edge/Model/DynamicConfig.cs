using System.Text.Json.Serialization;

namespace Edge.Model;

/// <summary>
/// Traefik's dynamic configuration as the Ingress provider produces it. Field names match Traefik's
/// JSON tags so that /api/rawdata and the conformance corpus compare one to one.
/// </summary>
public sealed class DynamicConfig
{
    [JsonPropertyName("http")] public HttpConfig Http { get; set; } = new();
    [JsonPropertyName("tcp")] public TcpConfig? Tcp { get; set; }
    [JsonPropertyName("udp")] public UdpConfig? Udp { get; set; }
    [JsonPropertyName("tls")] public TlsConfig? Tls { get; set; }

    /// <summary>
    /// Tenancy mode: the request limits of each namespace that has any (defaults and Namespace
    /// annotations, resolved by the translator). Not part of Traefik's configuration, so never serialised.
    /// </summary>
    [JsonIgnore] public Dictionary<string, NamespaceLimits> NamespaceLimits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Tenancy mode: the owner of every claimed host, enforced per request by the route table and
    /// per handshake by the certificate store. Null outside tenancy mode.
    /// </summary>
    [JsonIgnore] public Edge.Tenancy.HostOwnership? HostOwnership { get; set; }
}

/// <summary>One namespace's request limits; 0 = unlimited.</summary>
public sealed record NamespaceLimits(int RateAverage, int RateBurst, int MaxConcurrent)
{
    public bool Any => RateAverage > 0 || MaxConcurrent > 0;
}

public sealed class HttpConfig
{
    [JsonPropertyName("routers")] public SortedDictionary<string, Router> Routers { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("middlewares")] public SortedDictionary<string, Middleware> Middlewares { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("services")] public SortedDictionary<string, Service> Services { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("serversTransports")] public SortedDictionary<string, ServersTransport> ServersTransports { get; set; } = new(StringComparer.Ordinal);
}

public sealed class Router
{
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("middlewares")] public List<string>? Middlewares { get; set; }
    [JsonPropertyName("service")] public string Service { get; set; } = "";
    [JsonPropertyName("rule")] public string Rule { get; set; } = "";
    [JsonPropertyName("ruleSyntax")] public string? RuleSyntax { get; set; }
    [JsonPropertyName("priority"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long Priority { get; set; }
    [JsonPropertyName("tls")] public RouterTls? Tls { get; set; }
    [JsonPropertyName("observability")] public RouterObservability? Observability { get; set; }

    /// <summary>
    /// Set when tenancy rules keep this router out of the data plane; /api/rawdata shows the router
    /// as disabled with this reason. Edge's own field, so never part of the serialised configuration.
    /// </summary>
    [JsonIgnore] public string? DisabledReason { get; set; }

    /// <summary>
    /// Set when tenancy serves this router but not for every host its rule matches (a wildcard
    /// with names under it owned by other namespaces); /api/rawdata shows status "warning" with it.
    /// </summary>
    [JsonIgnore] public string? Warning { get; set; }

    /// <summary>The Ingress rule host this router came from ("" for a rule without a host, null for other routers).</summary>
    [JsonIgnore] public string? SourceHost { get; set; }

    /// <summary>
    /// The namespace of the Kubernetes Ingress this router came from, set by the provider that built
    /// it (tenancy, per-namespace limits, metrics and access logs read it); null for other routers.
    /// Edge's own field: Traefik's <c>observability.metadata</c> is what /api/rawdata shows.
    /// </summary>
    [JsonIgnore] public string? Namespace { get; set; }

    /// <summary>
    /// A copy sharing every value (lists included): a policy that needs a router with another
    /// status returns a copy instead of editing one a provider may hand out again (the translation
    /// memo reuses routers between translations).
    /// </summary>
    public Router With(string? disabledReason = null, string? warning = null)
    {
        var copy = (Router)MemberwiseClone();
        if (disabledReason is not null) copy.DisabledReason = disabledReason;
        if (warning is not null) copy.Warning = warning;
        return copy;
    }
}

public sealed class RouterTls
{
    [JsonPropertyName("options")] public string? Options { get; set; }
    [JsonPropertyName("certResolver")] public string? CertResolver { get; set; }
    [JsonPropertyName("domains")] public List<TlsDomain>? Domains { get; set; }
}

public sealed class TlsDomain
{
    [JsonPropertyName("main")] public string? Main { get; set; }
    [JsonPropertyName("sans")] public List<string>? Sans { get; set; }
}

public sealed class RouterObservability
{
    [JsonPropertyName("accessLogs")] public bool? AccessLogs { get; set; }
    [JsonPropertyName("metrics")] public bool? Metrics { get; set; }
    [JsonPropertyName("tracing")] public bool? Tracing { get; set; }
    [JsonPropertyName("traceVerbosity")] public string? TraceVerbosity { get; set; }
    [JsonPropertyName("metadata")] public ObservabilityMetadata? Metadata { get; set; }
}

public sealed class ObservabilityMetadata
{
    [JsonPropertyName("ingress")] public IngressMetadata? Ingress { get; set; }
}

public sealed class IngressMetadata
{
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("ingressName")] public string? IngressName { get; set; }
    [JsonPropertyName("serviceName")] public string? ServiceName { get; set; }
    [JsonPropertyName("servicePort")] public string? ServicePort { get; set; }
}

public sealed class Service
{
    [JsonPropertyName("loadBalancer")] public ServersLoadBalancer? LoadBalancer { get; set; }
    [JsonPropertyName("weighted")] public WeightedRoundRobinService? Weighted { get; set; }
    [JsonPropertyName("mirroring")] public MirroringService? Mirroring { get; set; }
    [JsonPropertyName("failover")] public FailoverService? Failover { get; set; }
    [JsonPropertyName("middlewares")] public List<string>? Middlewares { get; set; }
}

public sealed class ServersLoadBalancer
{
    [JsonPropertyName("servers")] public List<Server>? Servers { get; set; }
    [JsonPropertyName("strategy")] public string? Strategy { get; set; }
    [JsonPropertyName("sticky")] public Sticky? Sticky { get; set; }
    [JsonPropertyName("passHostHeader")] public bool? PassHostHeader { get; set; }
    [JsonPropertyName("responseForwarding")] public ResponseForwarding? ResponseForwarding { get; set; }
    [JsonPropertyName("serversTransport")] public string? ServersTransport { get; set; }
    [JsonPropertyName("healthCheck")] public ServerHealthCheck? HealthCheck { get; set; }

    /// <summary>Traefik's ServersLoadBalancer.SetDefaults().</summary>
    public static ServersLoadBalancer WithDefaults() => new()
    {
        Strategy = "wrr",
        PassHostHeader = true,
        ResponseForwarding = new ResponseForwarding { FlushInterval = "100ms" },
    };
}

public sealed class Server
{
    [JsonPropertyName("url")] public string Url { get; set; } = "";
    /// <summary>Traefik v3's server weight (default 1); a non-positive weight keeps the server out of the balancer.</summary>
    [JsonPropertyName("weight")] public int? Weight { get; set; }
    [JsonPropertyName("fenced")] public bool? Fenced { get; set; }
}

public sealed class Sticky
{
    [JsonPropertyName("cookie")] public StickyCookie? Cookie { get; set; }
}

public sealed class StickyCookie
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("secure")] public bool? Secure { get; set; }
    [JsonPropertyName("httpOnly")] public bool? HttpOnly { get; set; }
    [JsonPropertyName("sameSite")] public string? SameSite { get; set; }
    [JsonPropertyName("maxAge")] public int? MaxAge { get; set; }
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("domain")] public string? Domain { get; set; }
}

public sealed class ResponseForwarding
{
    [JsonPropertyName("flushInterval")] public string? FlushInterval { get; set; }
}

public sealed class TlsConfig
{
    [JsonPropertyName("certificates")] public List<CertAndStores> Certificates { get; set; } = new();
    /// <summary>Traefik's <c>tls.options</c>; null when a provider has none (omitted from JSON as in Traefik).</summary>
    [JsonPropertyName("options")] public SortedDictionary<string, TlsOptions>? Options { get; set; }
    /// <summary>Traefik's <c>tls.stores</c> (only "default" is used, as in Traefik).</summary>
    [JsonPropertyName("stores")] public SortedDictionary<string, TlsStore>? Stores { get; set; }
}

public sealed class CertAndStores
{
    [JsonPropertyName("certFile")] public string CertFile { get; set; } = "";
    [JsonPropertyName("keyFile")] public string KeyFile { get; set; } = "";
    [JsonPropertyName("stores")] public List<string>? Stores { get; set; }

    /// <summary>namespace/secretName the certificate came from; not part of Traefik's JSON.</summary>
    [JsonIgnore] public string? SourceSecret { get; set; }

    /// <summary>The namespace of the Kubernetes Secret it came from; null for certificates of other sources.</summary>
    [JsonIgnore] public string? Namespace { get; set; }

    /// <summary>
    /// Tenancy mode: the only server names this certificate may be offered for (the hosts that
    /// Ingresses in the Secret's namespace declare). Null outside tenancy mode: any name it covers.
    /// </summary>
    [JsonIgnore] public IReadOnlyCollection<string>? AllowedNames { get; set; }

    /// <summary>A copy offered only for <paramref name="allowedNames"/> (see <see cref="Router.With"/> for why a copy).</summary>
    public CertAndStores AllowedOnly(IReadOnlyCollection<string> allowedNames)
    {
        var copy = (CertAndStores)MemberwiseClone();
        copy.AllowedNames = allowedNames;
        return copy;
    }
}
