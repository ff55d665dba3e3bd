using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Edge.Configuration;

/// <summary>
/// YAML to JSON the way kubectl does it (sigs.k8s.io/yaml): plain scalars follow the YAML core schema
/// (numbers, booleans, null), quoted scalars stay strings. KubernetesClient.Aot keeps KubernetesYaml
/// internal, so objects are converted here and then read with the client's own (source-generated,
/// AOT-safe) JSON serializer. Used by <c>edge render</c> and by the tests' fixtures.
/// </summary>
public static class YamlToJson
{
    public static JsonNode? Convert(string yamlDocument)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yamlDocument));
        return stream.Documents.Count == 0 ? null : ToNode(stream.Documents[0].RootNode);
    }

    private static JsonNode? ToNode(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToNode).ToArray()),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new FormatException($"unsupported YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonObject ToObject(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            // A complex key has no JSON equivalent; say where instead of failing on a cast.
            if (key is not YamlScalarNode scalarKey) throw new FormatException($"unsupported non-scalar mapping key at {key.Start}");
            obj[scalarKey.Value ?? ""] = ToNode(value);
        }
        return obj;
    }

    private static JsonNode? ToScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain) return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (text.StartsWith("0x", StringComparison.Ordinal) &&
            long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)) return JsonValue.Create(hex);
        if (char.IsAsciiDigit(text[^1]) && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.') &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(text);
    }
}
