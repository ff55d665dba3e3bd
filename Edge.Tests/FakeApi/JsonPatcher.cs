using System.Text.Json.Nodes;

namespace Edge.Tests.FakeApi;

/// <summary>
/// PATCH bodies. JSON merge patch (RFC 7386) is exact; strategic merge patch is applied as a merge patch,
/// which differs only for lists with patch strategies (they are replaced, not merged). JSON patch
/// (RFC 6902) supports add, remove, replace and test, enough for status and annotation edits.
/// </summary>
internal static class JsonPatcher
{
    public static JsonObject Apply(string contentType, JsonObject target, JsonNode? patch)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType switch
        {
            "application/merge-patch+json" or "application/strategic-merge-patch+json" =>
                patch is JsonObject p ? (JsonObject)MergePatch(target, p)! : throw Bad("merge patch body must be an object"),
            "application/json-patch+json" =>
                patch is JsonArray ops ? JsonPatch(target, ops) : throw Bad("json patch body must be an array"),
            _ => throw new ApiException(ApiStatus.Failure(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: " +
                "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json")),
        };
    }

    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObj) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObj)
        {
            if (value is null) result.Remove(key);
            else result[key] = MergePatch(result[key]?.DeepClone(), value);
        }
        return result;
    }

    private static JsonObject JsonPatch(JsonObject target, JsonArray ops)
    {
        foreach (var op in ops)
        {
            var kind = (string?)op?["op"] ?? throw Bad("json patch operation without op");
            var path = (string?)op!["path"] ?? throw Bad("json patch operation without path");
            var (parent, last) = Resolve(target, path);
            switch (kind)
            {
                case "add":
                case "replace":
                    var value = op["value"]?.DeepClone();
                    if (parent is JsonObject o)
                    {
                        if (kind == "replace" && !o.ContainsKey(last)) throw Bad($"replace of missing path {path}");
                        o[last] = value;
                    }
                    else if (parent is JsonArray a)
                    {
                        if (last == "-") a.Add(value);
                        else if (kind == "add") a.Insert(Index(a, last, inclusive: true), value);
                        else a[Index(a, last, inclusive: false)] = value;
                    }
                    break;
                case "remove":
                    if (parent is JsonObject ro && !ro.Remove(last)) throw Bad($"remove of missing path {path}");
                    if (parent is JsonArray ra) ra.RemoveAt(Index(ra, last, inclusive: false));
                    break;
                case "test":
                    var actual = parent is JsonObject to ? to[last] : ((JsonArray)parent)[Index((JsonArray)parent, last, false)];
                    if (!JsonNode.DeepEquals(actual, op["value"]))
                        throw new ApiException(ApiStatus.Failure(422, "Invalid", $"json patch test failed at {path}"));
                    break;
                default:
                    throw Bad($"unsupported json patch op \"{kind}\"");
            }
        }
        return target;
    }

    private static (JsonNode Parent, string Last) Resolve(JsonObject root, string pointer)
    {
        var parts = pointer.Split('/').Skip(1).Select(p => p.Replace("~1", "/").Replace("~0", "~")).ToArray();
        if (parts.Length == 0) throw Bad("json patch on the document root is not supported");
        JsonNode node = root;
        foreach (var part in parts[..^1])
        {
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a => a[Index(a, part, inclusive: false)],
                _ => null,
            } ?? throw Bad($"json patch path {pointer} does not exist");
        }
        return (node, parts[^1]);
    }

    private static int Index(JsonArray array, string token, bool inclusive)
    {
        var max = inclusive ? array.Count : array.Count - 1;
        return int.TryParse(token, out var i) && i >= 0 && i <= max ? i : throw Bad($"bad array index {token}");
    }

    private static ApiException Bad(string message) => new(ApiStatus.BadRequest(message));
}
