using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Model;

namespace Edge.Providers.Kubernetes.Crd;

// IngressRouteTCP and MiddlewareTCP specs (traefikio/v1alpha1/ingressroutetcp.go, middlewaretcp.go),
// with the fields Edge reads; any other field is found by UnservedFields and refuses the object.

public sealed class IngressRouteTcpSpec
{
    [JsonPropertyName("ingressClassName")] public string? IngressClassName { get; set; }
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("routes")] public List<RouteTcpSpec>? Routes { get; set; }
    [JsonPropertyName("tls")] public TlsTcpSpec? Tls { get; set; }
}

public sealed class RouteTcpSpec
{
    [JsonPropertyName("match")] public string? Match { get; set; }
    [JsonPropertyName("priority")] public long Priority { get; set; }
    [JsonPropertyName("syntax")] public string? Syntax { get; set; }
    [JsonPropertyName("services")] public List<ServiceTcpSpec>? Services { get; set; }
    [JsonPropertyName("middlewares")] public List<ObjectRef>? Middlewares { get; set; }
}

public sealed class TlsTcpSpec
{
    [JsonPropertyName("secretName")] public string? SecretName { get; set; }
    [JsonPropertyName("passthrough")] public bool Passthrough { get; set; }
    [JsonPropertyName("options")] public ObjectRef? Options { get; set; }
    [JsonPropertyName("store")] public ObjectRef? Store { get; set; }
    [JsonPropertyName("certResolver")] public string? CertResolver { get; set; }
    [JsonPropertyName("domains")] public List<TlsDomain>? Domains { get; set; }
}

public sealed class ServiceTcpSpec
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("port")] public JsonElement? Port { get; set; }
    [JsonPropertyName("weight")] public int? Weight { get; set; }
    [JsonPropertyName("terminationDelay")] public int? TerminationDelay { get; set; }
    [JsonPropertyName("proxyProtocol")] public TcpProxyProtocol? ProxyProtocol { get; set; }
    [JsonPropertyName("serversTransport")] public string? ServersTransport { get; set; }
    [JsonPropertyName("tls")] public bool Tls { get; set; }
    [JsonPropertyName("nativeLB")] public bool? NativeLB { get; set; }
    [JsonPropertyName("nodePortLB")] public bool NodePortLB { get; set; }
}

public sealed class MiddlewareTcpSpec
{
    [JsonPropertyName("inFlightConn")] public TcpInFlightConn? InFlightConn { get; set; }
    [JsonPropertyName("ipWhiteList")] public TcpIpAllowList? IpWhiteList { get; set; }
    [JsonPropertyName("ipAllowList")] public TcpIpAllowList? IpAllowList { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(IngressRouteTcpSpec))]
[JsonSerializable(typeof(MiddlewareTcpSpec))]
public sealed partial class CrdTcpJsonContext : JsonSerializerContext
{
}
