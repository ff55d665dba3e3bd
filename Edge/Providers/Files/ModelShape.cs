using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Edge.Providers.Files;

/// <summary>
/// Checks a JSON tree against the shape of Edge's model, read from the model's source-generated
/// JSON metadata (so a field the model learns is accepted here with no change), and brings it to
/// the form the serializer reads, the way Traefik's paerser decodes a file: key names match
/// case-insensitively, and a scalar written as a number or boolean where text is expected (YAML
/// <c>port: 443</c>) is read as text. What the model does not know is reported by its path
/// (<c>loadBalancer.healthCheck</c>), never dropped silently.
/// </summary>
public static class ModelShape
{
    /// <summary>Normalises <paramref name="node"/> in place (it may be replaced); returns the problems found, empty when it fits.</summary>
    public static List<string> Fit(ref JsonNode? node, JsonTypeInfo info, string path)
    {
        var problems = new List<string>();
        node = Fit(node?.Parent is null ? node : node.DeepClone(), info, path, problems);
        return problems;
    }

    private static JsonNode? Fit(JsonNode? node, JsonTypeInfo info, string path, List<string> problems)
    {
        if (node is null) return null;
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                if (node is not JsonObject obj) { problems.Add($"{Where(path)}: expected a mapping, got {Describe(node)}"); return node; }
                return FitObject(obj, info, path, problems);
            case JsonTypeInfoKind.Dictionary:
                if (node is not JsonObject map) { problems.Add($"{Where(path)}: expected a mapping, got {Describe(node)}"); return node; }
                var element = info.Options.GetTypeInfo(info.ElementType!);
                var entries = new JsonObject();
                foreach (var (key, value) in map) entries[key] = Fit(value?.DeepClone(), element, Join(path, key), problems);
                return entries;
            case JsonTypeInfoKind.Enumerable:
                // A single value where a list is expected (TOML entryPoints = "web"): Traefik's paerser reads it as a one-item list.
                var list = node as JsonArray ?? (node is JsonValue ? new JsonArray(node.DeepClone()) : null);
                if (list is null) { problems.Add($"{Where(path)}: expected a list, got {Describe(node)}"); return node; }
                var item = info.Options.GetTypeInfo(info.ElementType!);
                for (int i = 0; i < list.Count; i++) list[i] = Fit(list[i]?.DeepClone(), item, $"{path}[{i}]", problems);
                return list;
            default:
                return FitScalar(node, info.Type, path, problems);
        }
    }

    private static JsonObject FitObject(JsonObject obj, JsonTypeInfo info, string path, List<string> problems)
    {
        var result = new JsonObject();
        foreach (var (key, value) in obj)
        {
            var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                problems.Add($"{Where(Join(path, key))}: unknown key \"{key}\" (not supported by Edge)");
                continue;
            }
            result[property.Name] = Fit(value?.DeepClone(), info.Options.GetTypeInfo(property.PropertyType), Join(path, property.Name), problems);
        }
        return result;
    }

    private static JsonNode? FitScalar(JsonNode node, Type type, string path, List<string> problems)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (node is not JsonValue value) { problems.Add($"{Where(path)}: expected a single value, got {Describe(node)}"); return node; }
        var kind = value.GetValueKind();
        if (target == typeof(string))
        {
            if (kind == JsonValueKind.String) return node;
            if (kind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False) return JsonValue.Create(kind == JsonValueKind.Number ? value.ToJsonString() : kind == JsonValueKind.True ? "true" : "false");
        }
        else if (target == typeof(bool))
        {
            if (kind is JsonValueKind.True or JsonValueKind.False) return node;
            if (kind == JsonValueKind.String && bool.TryParse(value.GetValue<string>(), out var b)) return JsonValue.Create(b);
        }
        else if (target == typeof(int) || target == typeof(long))
        {
            if (kind == JsonValueKind.Number && long.TryParse(value.ToJsonString(), out var n) && (target == typeof(long) || n is >= int.MinValue and <= int.MaxValue)) return JsonValue.Create(n);
            if (kind == JsonValueKind.String && long.TryParse(value.GetValue<string>(), out var s) && (target == typeof(long) || s is >= int.MinValue and <= int.MaxValue)) return JsonValue.Create(s);
        }
        else if (target == typeof(double))
        {
            if (kind == JsonValueKind.Number) return node;
            if (kind == JsonValueKind.String && double.TryParse(value.GetValue<string>(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        }
        else
        {
            return node;   // a type this check does not know: the serializer decides
        }
        problems.Add($"{Where(path)}: expected {Expected(target)}, got {Describe(node)}");
        return node;
    }

    private static string Expected(Type t) =>
        t == typeof(string) ? "text" : t == typeof(bool) ? "true or false" : t == typeof(double) ? "a number" : "an integer";

    private static string Describe(JsonNode node) => node switch
    {
        JsonObject => "a mapping",
        JsonArray => "a list",
        _ => node.ToJsonString(),
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Where(string path) => path.Length == 0 ? "(top)" : path;
}
