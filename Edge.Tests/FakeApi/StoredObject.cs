using System.Text.Json.Nodes;

namespace Edge.Tests.FakeApi;

/// <summary>
/// One stored object version. Never mutated after it is stored: writers clone, so the node can be read
/// under the store lock and the pre-serialized bytes can be fanned out to many watchers without locking.
/// </summary>
internal sealed record StoredObject(JsonObject Node, byte[] Json)
{
    public static StoredObject From(JsonObject node) => new(node, System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));

    public string? ResourceVersion => (string?)Node["metadata"]?["resourceVersion"];

    /// <summary>A copy carrying another resourceVersion (deletions and selector-exit events report the event's rv).</summary>
    public StoredObject WithResourceVersion(long rv)
    {
        var copy = (JsonObject)Node.DeepClone();
        if (copy["metadata"] is JsonObject meta) meta["resourceVersion"] = rv.ToString();
        return From(copy);
    }
}
