using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// One of Traefik's <c>traefik.io/v1alpha1</c> route kinds (IngressRoute, TraefikService, and the
/// TCP/UDP kinds Edge does not serve yet). The spec stays JSON and is read per object by the CRD
/// translator, so that one malformed object is an error naming it rather than a list that fails
/// to deserialise and takes every other object with it.
/// </summary>
public sealed class TraefikObject : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "traefik.io/v1alpha1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public JsonElement Spec { get; set; }
}

public sealed class TraefikObjectList
{
    [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("metadata")] public V1ListMeta? Metadata { get; set; }
    [JsonPropertyName("items")] public IList<TraefikObject>? Items { get; set; }
}
