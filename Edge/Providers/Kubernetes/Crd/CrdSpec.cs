using System.Text.Json;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Field readers for the CRD specs kept as JSON. A field of the wrong type throws
/// <see cref="CrdSpecException"/> naming it; the translators turn that into an issue on the object.
/// </summary>
internal static class CrdSpec
{
    public static IEnumerable<(string Name, JsonElement Value)> Fields(JsonElement spec)
    {
        if (spec.ValueKind == JsonValueKind.Undefined || spec.ValueKind == JsonValueKind.Null) yield break;
        if (spec.ValueKind != JsonValueKind.Object) throw new CrdSpecException("spec is not an object");
        foreach (var p in spec.EnumerateObject())
            if (p.Value.ValueKind != JsonValueKind.Null) yield return (p.Name, p.Value);
    }

    public static string String(JsonElement v, string field) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new CrdSpecException($"{field} must be a string");

    public static bool Bool(JsonElement v, string field) =>
        v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new CrdSpecException($"{field} must be a boolean");

    public static int Int(JsonElement v, string field) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new CrdSpecException($"{field} must be an integer");

    public static List<string> Strings(JsonElement v, string field)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new CrdSpecException($"{field} must be a list of strings");
        return v.EnumerateArray().Select(e => String(e, field)).ToList();
    }

    /// <summary>A Kubernetes IntOrString duration: a number is seconds, a string is a Go duration (Traefik's Duration.Set).</summary>
    public static string Duration(JsonElement v, string field)
    {
        if (v.ValueKind == JsonValueKind.Number) return v.GetRawText() + "s";
        var text = String(v, field);
        if (long.TryParse(text, out _)) return text + "s";
        if (!Edge.GoCompat.GoDuration.TryParse(text, out _)) throw new CrdSpecException($"{field}: invalid duration \"{text}\"");
        return text;
    }
}

internal sealed class CrdSpecException(string message) : Exception(message);
