using Tomlyn.Model;
using Tomlyn.Serialization;

namespace Edge.Configuration;

/// <summary>Source-generated Tomlyn context: the TOML file is read as a generic table, AOT-safe.</summary>
[TomlSerializable(typeof(TomlTable))]
internal partial class EdgeTomlContext : TomlSerializerContext
{
}
