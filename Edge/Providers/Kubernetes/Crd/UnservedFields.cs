using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Finds the fields of a middleware's spec that Edge read nothing from: the spec is deserialised
/// into Edge's model, written back, and every input field missing from the result is named
/// (<c>headers.allowedHosts</c>, <c>ipAllowList.ipStrategy.ipv6Subnet</c>). A middleware with such
/// a field is not served: serving it without the part the user asked for would fail open.
/// </summary>
public static class UnservedFields
{
    public static IReadOnlyList<string> Of<T>(JsonElement input, T value, JsonTypeInfo<T> info, string prefix)
    {
        var found = new List<string>();
        var written = JsonSerializer.SerializeToElement(value, info);
        Walk(input, written, prefix, found);
        return found;
    }

    /// <summary>The fields of an object read by hand, against the names the reader knows.</summary>
    public static IReadOnlyList<string> Of(JsonElement input, IReadOnlySet<string> known, string prefix)
    {
        var found = new List<string>();
        if (input.ValueKind != JsonValueKind.Object) return found;
        foreach (var p in input.EnumerateObject())
            if (p.Value.ValueKind != JsonValueKind.Null && !known.Contains(p.Name)) found.Add(prefix + "." + p.Name);
        return found;
    }

    private static void Walk(JsonElement input, JsonElement written, string path, List<string> found)
    {
        if (input.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in input.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                var child = path + "." + p.Name;
                if (written.ValueKind != JsonValueKind.Object || !written.TryGetProperty(p.Name, out var w))
                    found.Add(child);
                else
                    Walk(p.Value, w, child, found);
            }
        }
        else if (input.ValueKind == JsonValueKind.Array && written.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            using var wi = written.EnumerateArray().GetEnumerator();
            foreach (var item in input.EnumerateArray())
            {
                if (!wi.MoveNext()) break;
                Walk(item, wi.Current, $"{path}[{i++}]", found);
            }
        }
    }
}
