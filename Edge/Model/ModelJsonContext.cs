using System.Text.Json.Serialization;

namespace Edge.Model;

/// <summary>JSON metadata for reading Traefik's dynamic-configuration types (CRD specs, file provider).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(Middleware))]
[JsonSerializable(typeof(TlsOptions))]
[JsonSerializable(typeof(TlsStore))]
[JsonSerializable(typeof(ServersTransport))]
[JsonSerializable(typeof(TlsConfig))]
[JsonSerializable(typeof(DynamicConfig))]
public sealed partial class ModelJsonContext : JsonSerializerContext
{
}
