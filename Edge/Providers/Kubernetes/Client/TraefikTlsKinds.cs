using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

// Traefik's traefik.io/v1alpha1 TLSOption, TLSStore and ServersTransport. Their specs stay JSON,
// as the Middleware's does: the CRD translators read them field by field, resolving Secrets.

public sealed class TraefikTlsOption : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "traefik.io/v1alpha1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "TLSOption";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public JsonElement Spec { get; set; }
}

public sealed class TraefikTlsOptionList
{
    [JsonPropertyName("metadata")] public V1ListMeta? Metadata { get; set; }
    [JsonPropertyName("items")] public IList<TraefikTlsOption>? Items { get; set; }
}

public sealed class TraefikTlsStore : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "traefik.io/v1alpha1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "TLSStore";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public JsonElement Spec { get; set; }
}

public sealed class TraefikTlsStoreList
{
    [JsonPropertyName("metadata")] public V1ListMeta? Metadata { get; set; }
    [JsonPropertyName("items")] public IList<TraefikTlsStore>? Items { get; set; }
}

public sealed class TraefikServersTransport : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "traefik.io/v1alpha1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "ServersTransport";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public JsonElement Spec { get; set; }
}

public sealed class TraefikServersTransportList
{
    [JsonPropertyName("metadata")] public V1ListMeta? Metadata { get; set; }
    [JsonPropertyName("items")] public IList<TraefikServersTransport>? Items { get; set; }
}
