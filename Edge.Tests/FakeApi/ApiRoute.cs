namespace Edge.Tests.FakeApi;

/// <summary>
/// A parsed resource URL, following the apiserver's layout:
/// /api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]] and the same under /apis/{group}/{version}.
/// </summary>
internal sealed record ApiRoute(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    public static ApiRoute? Parse(string[] segments)
    {
        string group, version;
        string[] rest;
        if (segments.Length >= 3 && segments[0] == "api") (group, version, rest) = ("", segments[1], segments[2..]);
        else if (segments.Length >= 4 && segments[0] == "apis") (group, version, rest) = (segments[1], segments[2], segments[3..]);
        else return null;

        if (rest.Any(s => s.Length == 0)) return null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && ResourceCatalog.Find(group, version, rest[2]) is { Namespaced: true } nsType)
            return rest.Length <= 5 ? new ApiRoute(nsType, rest[1], rest.ElementAtOrDefault(3), rest.ElementAtOrDefault(4)) : null;

        // Cluster-scoped resources, cluster-wide collections of namespaced ones, and namespaces/{name}[/status].
        var type = ResourceCatalog.Find(group, version, rest[0]);
        if (type is null || rest.Length > 3) return null;
        if (type.Namespaced && rest.Length > 1) return null; // a named namespaced object needs its namespace in the path
        return new ApiRoute(type, null, rest.ElementAtOrDefault(1), rest.ElementAtOrDefault(2));
    }
}
