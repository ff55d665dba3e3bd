using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Configuration;
using Tomlyn;
using Tomlyn.Model;
using YamlDotNet.Core;

namespace Edge.Providers.Files;

/// <summary>
/// One dynamic-configuration file as a JSON tree, whatever its format (by extension, as Traefik's
/// paerser does): YAML through the kubectl-style <see cref="YamlToJson"/>, TOML through Tomlyn's
/// generic table. The tree is then read by <see cref="DynamicConfigReader"/> with the model's own
/// JSON metadata, so TOML and YAML give the same configuration.
/// </summary>
public static class FileDocument
{
    /// <summary>The document's top-level mapping (empty for an empty file); throws <see cref="FormatException"/> naming the line.</summary>
    public static JsonObject Parse(string text, string path)
    {
        // Traefik renders every file as a Go template first; Edge does not (see README), and says so
        // instead of failing on whatever the template syntax does to the TOML or YAML parser.
        if (text.Contains("{{", StringComparison.Ordinal))
            throw new FormatException("Go templates ({{ ... }}) are not supported by Edge; write the configuration out in full");
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext is ".yaml" or ".yml" ? Yaml(text) : Toml(text);
    }

    private static JsonObject Yaml(string text)
    {
        JsonNode? root;
        try { root = YamlToJson.Convert(text); }
        catch (YamlException e)
        {
            throw new FormatException($"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {(e.InnerException ?? e).Message.TrimEnd('.')}");
        }
        return root switch
        {
            null => new JsonObject(),
            JsonObject o => o,
            _ => throw new FormatException("the top of the file is not a mapping"),
        };
    }

    private static JsonObject Toml(string text)
    {
        TomlTable table;
        try { table = TomlSerializer.Deserialize<TomlTable>(text, EdgeTomlContext.Default) ?? new TomlTable(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var m = System.Text.RegularExpressions.Regex.Match(e.Message, @"\((\d+),(\d+)\) : error : ([^\r\n]*)");
            throw new FormatException(m.Success
                ? $"invalid TOML at line {m.Groups[1].Value}, column {m.Groups[2].Value}: {m.Groups[3].Value.TrimEnd('.', ')')}"
                : "invalid TOML: " + e.Message.Split('\n')[0].Trim());
        }
        return TableToJson(table);
    }

    private static JsonObject TableToJson(TomlTable table)
    {
        var o = new JsonObject();
        foreach (var (key, value) in table) o[key] = ToNode(value);
        return o;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        TomlTable t => TableToJson(t),
        TomlTableArray a => new JsonArray(a.Select(t => (JsonNode?)TableToJson(t)).ToArray()),
        TomlArray a => new JsonArray(a.Select(ToNode).ToArray()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        // Dates have no place in Traefik's dynamic configuration; kept as text so the reader names the key.
        IFormattable f => JsonValue.Create(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value.ToString()),
    };
}
