using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace Edge.Configuration;

/// <summary>
/// Flattens a Traefik YAML static configuration (traefik.yml) into the same dotted keys as the TOML
/// reader, through the same YAML-to-JSON conversion kubectl-style manifests use: a key with no value
/// or an empty mapping that is itself an on/off option (<c>ping:</c>, <c>api: {}</c>) enables it.
/// </summary>
public static class YamlConfigFile
{
    public static List<KeyValuePair<string, string>> Parse(string text, string path = "<yaml>")
    {
        JsonNode? root;
        try { root = YamlToJson.Convert(text); }
        catch (YamlException e)
        {
            throw new ConfigException("configFile", $"valid YAML in {path} (line {e.Start.Line}, column {e.Start.Column}: {Inner(e).TrimEnd('.')})");
        }
        catch (FormatException e)
        {
            throw new ConfigException("configFile", $"valid YAML in {path} ({e.Message})");
        }
        var result = new List<KeyValuePair<string, string>>();
        if (root is null) return result;
        if (root is not JsonObject top) throw new ConfigException("configFile", $"a YAML mapping at the top of {path}");
        Flatten(top, "", result);
        return result;
    }

    private static string Inner(Exception e) => e.InnerException is { } inner ? inner.Message : e.Message;

    private static void Flatten(JsonObject obj, string prefix, List<KeyValuePair<string, string>> result)
    {
        foreach (var (key, value) in obj)
        {
            var name = prefix.Length == 0 ? key : prefix + "." + key;
            switch (value)
            {
                case JsonObject sub:
                    if (OptionRegistry.Find(name, out _)?.Kind == OptionKind.Section) result.Add(new(name, "true"));
                    Flatten(sub, name, result);
                    break;
                case JsonArray array when array.Count > 0 && array.All(e => e is JsonObject):
                    // domains: [{main: ..., sans: [...]}]: Traefik's list of structures, domains[0].main.
                    for (int i = 0; i < array.Count; i++) Flatten((JsonObject)array[i]!, $"{name}[{i}]", result);
                    break;
                case JsonArray array:
                    result.Add(new(name, string.Join(",", array.Select(e => Scalar(name, e)))));
                    break;
                case null:
                    // "ping:" with nothing after it: Traefik enables the section; any other option gets "".
                    result.Add(new(name, OptionRegistry.Find(name, out _)?.Kind == OptionKind.Section ? "true" : ""));
                    break;
                default:
                    result.Add(new(name, Scalar(name, value)));
                    break;
            }
        }
    }

    private static string Scalar(string name, JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
        JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(CultureInfo.InvariantCulture),
        _ => throw new ConfigException(name, "a value or a list of values (got a nested structure in the YAML file)"),
    };
}
