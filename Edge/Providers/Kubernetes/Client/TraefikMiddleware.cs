using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// Traefik's <c>traefik.io/v1alpha1</c> Middleware. The spec stays JSON: its shape is Traefik's
/// dynamic middleware with Kubernetes references in a few places (a Secret for basicAuth users,
/// name/namespace pairs for chain), which the CRD translator resolves.
/// </summary>
public sealed class TraefikMiddleware : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "traefik.io/v1alpha1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "Middleware";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public JsonElement Spec { get; set; }
}

public sealed class TraefikMiddlewareList
{
    [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("metadata")] public V1ListMeta? Metadata { get; set; }
    [JsonPropertyName("items")] public IList<TraefikMiddleware>? Items { get; set; }
}
