using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// JSON metadata for exactly the Kubernetes types Edge reads and writes. KubernetesClient's own
/// context (behind KubernetesJson and the typed client's calls) covers every API type; using it
/// pulled all of them into the Native AOT binary (about 5 MiB of code and data, paid again in
/// start time and resident memory). The models stay KubernetesClient's: their
/// [JsonPropertyName] and type converters (IntOrString, Quantity) apply here too.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KubeTimeConverter)],
    GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(V1Ingress))]
[JsonSerializable(typeof(V1IngressList))]
[JsonSerializable(typeof(V1IngressClass))]
[JsonSerializable(typeof(V1IngressClassList))]
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(V1ServiceList))]
[JsonSerializable(typeof(V1EndpointSlice))]
[JsonSerializable(typeof(V1EndpointSliceList))]
[JsonSerializable(typeof(V1Endpoints))]
[JsonSerializable(typeof(V1Secret))]
[JsonSerializable(typeof(V1SecretList))]
[JsonSerializable(typeof(V1Node))]
[JsonSerializable(typeof(V1NodeList))]
[JsonSerializable(typeof(V1Namespace))]
[JsonSerializable(typeof(V1NamespaceList))]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(Corev1Event))]
[JsonSerializable(typeof(TraefikMiddleware))]
[JsonSerializable(typeof(TraefikMiddlewareList))]
[JsonSerializable(typeof(TraefikObject))]
[JsonSerializable(typeof(TraefikObjectList))]
[JsonSerializable(typeof(TraefikTlsOption))]
[JsonSerializable(typeof(TraefikTlsOptionList))]
[JsonSerializable(typeof(TraefikTlsStore))]
[JsonSerializable(typeof(TraefikTlsStoreList))]
[JsonSerializable(typeof(TraefikServersTransport))]
[JsonSerializable(typeof(TraefikServersTransportList))]
public sealed partial class KubeJsonContext : JsonSerializerContext
{
}

/// <summary>
/// Kubernetes timestamps: read as RFC 3339 with any precision; written in UTC with exactly six
/// fractional digits, which both metav1.Time and metav1.MicroTime (Lease renewTime, Event
/// eventTime: RFC3339Micro, where Go's parser wants six digits) accept.
/// </summary>
public sealed class KubeTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var s = reader.GetString() ?? throw new JsonException("timestamp is null");
        return DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
}
