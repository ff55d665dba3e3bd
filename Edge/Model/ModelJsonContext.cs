using System.Text.Json.Serialization;

namespace Edge.Model;

/// <summary>JSON metadata for reading Traefik's dynamic-configuration types (CRD specs, file provider).</summary>
// Metadata only: reading needs it and the few writes (file provider's change check, tests) go
// through it too; the fast-path writers would be a second copy of every type's code (issue 18).
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(Middleware))]
[JsonSerializable(typeof(TlsOptions))]
[JsonSerializable(typeof(TlsStore))]
[JsonSerializable(typeof(ServersTransport))]
[JsonSerializable(typeof(TlsConfig))]
[JsonSerializable(typeof(DynamicConfig))]
public sealed partial class ModelJsonContext : JsonSerializerContext
{
}
