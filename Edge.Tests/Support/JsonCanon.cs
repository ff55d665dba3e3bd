using System.Text.Json.Nodes;

namespace Edge.Tests.Support;

/// <summary>A canonical string for a JSON value, for comparisons where key order does not matter.</summary>
public static class JsonCanon
{
    public static string? Of(JsonNode? n) => n switch
    {
        null => null,
        JsonObject o => "{" + string.Join(",", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"\"{kv.Key}\":{Of(kv.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Of)) + "]",
        _ => n.ToJsonString(),
    };
}
