namespace Edge.Tests.FakeApi;

/// <summary>
/// One entry of the change history. Prev is kept because a watch with a label selector must turn a
/// MODIFIED into ADDED or DELETED when the object enters or leaves the selection, as the apiserver's cacher does.
/// </summary>
internal sealed class WatchEvent(long rv, ResourceType type, string eventType, StoredObject current, StoredObject? prev)
{
    private StoredObject? _prevAtRv;

    public long Rv { get; } = rv;

    public ResourceType Type { get; } = type;

    public string EventType { get; } = eventType;

    public StoredObject Current { get; } = current;

    /// <summary>The version before this event (null for ADDED); lets a paged LIST rewind to its snapshot.</summary>
    public StoredObject? Prev { get; } = prev;

    /// <summary>Converts this event for one watcher's filter; null when the watcher must not see it.</summary>
    public WatchItem? For(ObjectFilter filter)
    {
        var now = filter.Matches(Current.Node);
        if (EventType != "MODIFIED") return now ? new WatchItem(EventType, Current.Json) : null;

        var before = Prev is not null && filter.Matches(Prev.Node);
        if (now) return new WatchItem(before ? "MODIFIED" : "ADDED", Current.Json);
        if (!before) return null;
        // The apiserver reports the exit with the previous content but the event's resourceVersion.
        _prevAtRv ??= Prev!.WithResourceVersion(Rv);
        return new WatchItem("DELETED", _prevAtRv.Json);
    }
}
