using System.Text.Json.Nodes;

namespace Edge.Tests.FakeApi;

/// <summary>
/// What a LIST or WATCH asked for: a namespace (null = all), a label selector and a field selector.
/// Field selectors address any dotted JSON path (metadata.name, metadata.namespace, type, spec.nodeName),
/// which is looser than the apiserver's per-kind allow list but gives the same answers for the fields Edge uses.
/// </summary>
internal sealed class ObjectFilter
{
    private readonly List<(string Path, bool Equal, string Value)> _fields;

    private ObjectFilter(string? ns, LabelSelector labels, List<(string, bool, string)> fields)
    {
        Namespace = ns;
        Labels = labels;
        _fields = fields;
    }

    public string? Namespace { get; }

    public LabelSelector Labels { get; }

    /// <exception cref="FormatException">A selector does not parse.</exception>
    public static ObjectFilter Create(string? ns, string? labelSelector, string? fieldSelector)
    {
        var fields = new List<(string, bool, string)>();
        if (!string.IsNullOrWhiteSpace(fieldSelector))
        {
            foreach (var raw in fieldSelector.Split(','))
            {
                var term = raw.Trim();
                var ne = term.IndexOf("!=", StringComparison.Ordinal);
                if (ne > 0)
                {
                    fields.Add((term[..ne].Trim(), false, term[(ne + 2)..].Trim()));
                    continue;
                }
                var eq = term.IndexOf('=');
                if (eq <= 0) throw new FormatException($"invalid field selector \"{term}\"");
                var valueStart = term.Length > eq + 1 && term[eq + 1] == '=' ? eq + 2 : eq + 1;
                fields.Add((term[..eq].Trim(), true, term[valueStart..].Trim()));
            }
        }
        return new ObjectFilter(ns, LabelSelector.Parse(labelSelector), fields);
    }

    public bool Matches(JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject;
        if (Namespace is not null && (string?)meta?["namespace"] != Namespace) return false;
        if (!Labels.Matches(meta?["labels"] as JsonObject)) return false;
        foreach (var (path, equal, value) in _fields)
        {
            var actual = Lookup(obj, path) ?? "";
            if ((actual == value) != equal) return false;
        }
        return true;
    }

    private static string? Lookup(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var segment in path.Split('.'))
        {
            node = (node as JsonObject)?[segment];
            if (node is null) return null;
        }
        return node is JsonValue v ? v.ToString() : node.ToJsonString();
    }
}
