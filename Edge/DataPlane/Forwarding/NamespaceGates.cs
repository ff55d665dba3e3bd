using Edge.Model;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// The gates of all limited namespaces. <see cref="Update"/> runs when a configuration is compiled
/// (off the request path) and returns an immutable map for the new data-plane state, reusing the
/// gate of every namespace whose limits did not change.
/// </summary>
public sealed class NamespaceGates
{
    private Dictionary<string, NamespaceGate> _current = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, NamespaceGate> Update(IReadOnlyDictionary<string, NamespaceLimits> limits)
    {
        var next = new Dictionary<string, NamespaceGate>(StringComparer.Ordinal);
        foreach (var (ns, l) in limits)
            next[ns] = _current.TryGetValue(ns, out var gate) && gate.Limits == l ? gate : new NamespaceGate(ns, l);
        _current = next;
        return next;
    }
}
