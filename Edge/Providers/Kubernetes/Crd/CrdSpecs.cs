using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Model;

namespace Edge.Providers.Kubernetes.Crd;

// The specs of Traefik's IngressRoute and TraefikService (pkg/provider/kubernetes/crd/traefikio/v1alpha1),
// with the fields Edge reads. A field not declared here is found by UnservedFields and refuses the
// object: a route served without, say, its healthCheck would not be the route its owner wrote.

public sealed class IngressRouteSpec
{
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("routes")] public List<RouteSpec>? Routes { get; set; }
    [JsonPropertyName("tls")] public IngressRouteTls? Tls { get; set; }
    [JsonPropertyName("ingressClassName")] public string? IngressClassName { get; set; }
}

public sealed class RouteSpec
{
    [JsonPropertyName("match")] public string? Match { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("priority")] public long Priority { get; set; }
    [JsonPropertyName("syntax")] public string? Syntax { get; set; }
    [JsonPropertyName("services")] public List<ServiceRef>? Services { get; set; }
    [JsonPropertyName("middlewares")] public List<ObjectRef>? Middlewares { get; set; }
    [JsonPropertyName("observability")] public RouteObservability? Observability { get; set; }
}

public sealed class RouteObservability
{
    [JsonPropertyName("accessLogs")] public bool? AccessLogs { get; set; }
    [JsonPropertyName("metrics")] public bool? Metrics { get; set; }
    [JsonPropertyName("tracing")] public bool? Tracing { get; set; }
    [JsonPropertyName("traceVerbosity")] public string? TraceVerbosity { get; set; }
}

/// <summary>A name with an optional namespace (a Middleware, a TLSOption, a TLSStore).</summary>
public sealed class ObjectRef
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
}

public sealed class IngressRouteTls
{
    [JsonPropertyName("secretName")] public string? SecretName { get; set; }
    [JsonPropertyName("options")] public ObjectRef? Options { get; set; }
    /// <summary>Read and, as in Traefik, not used by the router (a TLSStore applies by its own name).</summary>
    [JsonPropertyName("store")] public ObjectRef? Store { get; set; }
    [JsonPropertyName("certResolver")] public string? CertResolver { get; set; }
    [JsonPropertyName("domains")] public List<TlsDomain>? Domains { get; set; }
}

/// <summary>Traefik's LoadBalancerSpec with the WRR weight and the mirror percent (one shape for every service reference).</summary>
public sealed class ServiceRef
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    /// <summary>A number or a port name (Kubernetes IntOrString).</summary>
    [JsonPropertyName("port")] public JsonElement? Port { get; set; }
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
    [JsonPropertyName("strategy")] public string? Strategy { get; set; }
    [JsonPropertyName("passHostHeader")] public bool? PassHostHeader { get; set; }
    [JsonPropertyName("responseForwarding")] public ResponseForwarding? ResponseForwarding { get; set; }
    [JsonPropertyName("serversTransport")] public string? ServersTransport { get; set; }
    [JsonPropertyName("sticky")] public Sticky? Sticky { get; set; }
    [JsonPropertyName("weight")] public int? Weight { get; set; }
    [JsonPropertyName("nativeLB")] public bool? NativeLB { get; set; }
    [JsonPropertyName("nodePortLB")] public bool NodePortLB { get; set; }
    [JsonPropertyName("middlewares")] public List<ObjectRef>? Middlewares { get; set; }
    [JsonPropertyName("percent")] public int Percent { get; set; }
    [JsonPropertyName("healthCheck")] public CrdServerHealthCheck? HealthCheck { get; set; }
}

/// <summary>Traefik's CRD ServerHealthCheck: the durations are Kubernetes IntOrString (a number is seconds).</summary>
public sealed class CrdServerHealthCheck
{
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
    [JsonPropertyName("mode")] public string? Mode { get; set; }
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("method")] public string? Method { get; set; }
    [JsonPropertyName("status")] public int Status { get; set; }
    [JsonPropertyName("port")] public int Port { get; set; }
    [JsonPropertyName("interval")] public JsonElement? Interval { get; set; }
    [JsonPropertyName("unhealthyInterval")] public JsonElement? UnhealthyInterval { get; set; }
    [JsonPropertyName("timeout")] public JsonElement? Timeout { get; set; }
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("followRedirects")] public bool? FollowRedirects { get; set; }
    [JsonPropertyName("headers")] public SortedDictionary<string, string>? Headers { get; set; }
}

public sealed class TraefikServiceSpec
{
    [JsonPropertyName("weighted")] public WeightedSpec? Weighted { get; set; }
    [JsonPropertyName("mirroring")] public MirroringSpec? Mirroring { get; set; }
    [JsonPropertyName("failover")] public FailoverSpec? Failover { get; set; }
}

public sealed class WeightedSpec
{
    [JsonPropertyName("services")] public List<ServiceRef>? Services { get; set; }
    [JsonPropertyName("sticky")] public Sticky? Sticky { get; set; }
}

/// <summary>Traefik's Mirroring spec: the main service's LoadBalancerSpec inline, then the mirrors.</summary>
public sealed class MirroringSpec
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("port")] public JsonElement? Port { get; set; }
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
    [JsonPropertyName("strategy")] public string? Strategy { get; set; }
    [JsonPropertyName("passHostHeader")] public bool? PassHostHeader { get; set; }
    [JsonPropertyName("responseForwarding")] public ResponseForwarding? ResponseForwarding { get; set; }
    [JsonPropertyName("serversTransport")] public string? ServersTransport { get; set; }
    [JsonPropertyName("sticky")] public Sticky? Sticky { get; set; }
    [JsonPropertyName("nativeLB")] public bool? NativeLB { get; set; }
    [JsonPropertyName("nodePortLB")] public bool NodePortLB { get; set; }
    [JsonPropertyName("mirrorBody")] public bool? MirrorBody { get; set; }
    [JsonPropertyName("maxBodySize")] public long? MaxBodySize { get; set; }
    [JsonPropertyName("mirrors")] public List<ServiceRef>? Mirrors { get; set; }
    [JsonPropertyName("healthCheck")] public CrdServerHealthCheck? HealthCheck { get; set; }

    public ServiceRef Main() => new()
    {
        Name = Name, Namespace = Namespace, Kind = Kind, Port = Port, Scheme = Scheme, Strategy = Strategy,
        PassHostHeader = PassHostHeader, ResponseForwarding = ResponseForwarding, ServersTransport = ServersTransport,
        Sticky = Sticky, NativeLB = NativeLB, NodePortLB = NodePortLB, HealthCheck = HealthCheck,
    };
}

public sealed class FailoverSpec
{
    [JsonPropertyName("service")] public ServiceRef? Service { get; set; }
    [JsonPropertyName("fallback")] public ServiceRef? Fallback { get; set; }
    [JsonPropertyName("errors")] public FailoverErrors? Errors { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(IngressRouteSpec))]
[JsonSerializable(typeof(TraefikServiceSpec))]
public sealed partial class CrdJsonContext : JsonSerializerContext
{
}
