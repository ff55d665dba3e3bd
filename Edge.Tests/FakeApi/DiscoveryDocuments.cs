using System.Text.Json.Nodes;

namespace Edge.Tests.FakeApi;

/// <summary>
/// The discovery endpoints clients probe before real work (/version, /api, /apis, per group-version
/// resource lists). Generated from the catalog so they never advertise something the fake cannot serve.
/// </summary>
internal static class DiscoveryDocuments
{
    public const string GitVersion = "v1.34.0";

    public static JsonObject? Find(string[] segments, string serverAddress) => segments switch
    {
        ["version"] => Version(),
        ["api"] => new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
            {
                ["clientCIDR"] = "0.0.0.0/0",
                ["serverAddress"] = serverAddress,
            }),
        },
        ["apis"] => GroupList(),
        ["api", "v1"] => ResourceList("", "v1"),
        ["apis", var g, var v] when ResourceCatalog.All.Any(r => r.Group == g && r.Version == v) => ResourceList(g, v),
        _ => null,
    };

    private static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "34",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-08-27T00:00:00Z",
        ["goVersion"] = "go1.24.6",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    private static JsonObject GroupList()
    {
        var groups = new JsonArray();
        foreach (var group in ResourceCatalog.Groups)
        {
            var versions = ResourceCatalog.All.Where(r => r.Group == group).Select(r => r.Version).Distinct().ToList();
            var versionArray = new JsonArray();
            foreach (var v in versions) versionArray.Add(GroupVersion(group, v));
            groups.Add(new JsonObject
            {
                ["name"] = group,
                ["versions"] = versionArray,
                ["preferredVersion"] = GroupVersion(group, versions[0]),
            });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private static JsonObject GroupVersion(string group, string version) =>
        new() { ["groupVersion"] = $"{group}/{version}", ["version"] = version };

    private static JsonObject ResourceList(string group, string version)
    {
        var resources = new JsonArray();
        foreach (var r in ResourceCatalog.All.Where(r => r.Group == group && r.Version == version))
        {
            resources.Add(Resource(r.Plural, r, "create", "delete", "get", "list", "patch", "update", "watch"));
            if (r.HasStatus) resources.Add(Resource(r.Plural + "/status", r, "get", "patch", "update"));
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Resource(string name, ResourceType r, params string[] verbs)
    {
        var verbArray = new JsonArray();
        foreach (var v in verbs) verbArray.Add(v);
        return new JsonObject
        {
            ["name"] = name,
            ["singularName"] = name.Contains('/') ? "" : r.Kind.ToLowerInvariant(),
            ["namespaced"] = r.Namespaced,
            ["kind"] = r.Kind,
            ["verbs"] = verbArray,
        };
    }
}
