using System.Text;
using System.Text.Json.Nodes;

namespace Edge.Tests.FakeApi;

/// <summary>
/// The fake's etcd + watch cache: objects per resource in key order, one global resourceVersion counter,
/// a bounded change history and the open watches. One lock guards all of it; that is what makes a watch
/// start (replay + subscribe) atomic with respect to writes, so no event is lost or duplicated.
/// </summary>
internal sealed class ObjectStore(int historyLimit)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceType, SortedDictionary<string, StoredObject>> _objects = [];
    private readonly Queue<WatchEvent> _history = new();
    private readonly List<WatchSubscription> _watches = [];
    private long _rv;
    private long _historyStartRv; // every event with rv > this is still in _history

    public long CurrentResourceVersion { get { lock (_lock) return _rv; } }

    public int OpenWatchCount { get { lock (_lock) return _watches.Count; } }

    public static string Key(ResourceType type, string? ns, string name) => type.Namespaced ? $"{ns}/{name}" : name;

    public StoredObject? Get(ResourceType type, string? ns, string name)
    {
        lock (_lock) return Bucket(type).GetValueOrDefault(Key(type, ns, name));
    }

    public IReadOnlyList<StoredObject> Snapshot(ResourceType type, string? ns)
    {
        lock (_lock)
            return Bucket(type).Values.Where(o => ns is null || (string?)o.Node["metadata"]?["namespace"] == ns).ToList();
    }

    public ListPage List(ResourceType type, ObjectFilter filter, int? limit, string? continueToken,
        string? resourceVersion, string? resourceVersionMatch)
    {
        lock (_lock)
        {
            var listRv = _rv;
            string? after = null;
            if (!string.IsNullOrEmpty(continueToken))
            {
                (listRv, after) = ContinueToken.Decode(continueToken);
                if (listRv < _historyStartRv)
                    throw new ApiException(ApiStatus.Expired("The provided continue parameter is too old to display a " +
                        "consistent list result. You can start a new list without the continue parameter."));
            }
            else if (resourceVersionMatch == "Exact" && long.TryParse(resourceVersion, out var exact) && exact < _rv)
            {
                if (exact < _historyStartRv)
                    throw new ApiException(ApiStatus.Expired($"too old resource version: {exact} ({_historyStartRv + 1})"));
                listRv = exact;
            }

            var items = new List<byte[]>();
            string? lastKey = null;
            long remaining = 0;
            // Later pages (and Exact reads) are served from the snapshot at listRv, as etcd would.
            foreach (var (key, obj) in listRv == _rv ? Bucket(type) : StateAt(type, listRv))
            {
                if (after is not null && string.CompareOrdinal(key, after) <= 0) continue;
                if (!filter.Matches(obj.Node)) continue;
                if (limit > 0 && items.Count == limit) { remaining++; continue; }
                items.Add(obj.Json);
                lastKey = key;
            }
            return remaining > 0
                ? new ListPage(listRv, items, ContinueToken.Encode(listRv, lastKey!), remaining)
                : new ListPage(listRv, items, null, null);
        }
    }

    public StoredObject Create(ResourceType type, string? ns, JsonObject body)
    {
        var name = NameOf(body);
        lock (_lock)
        {
            if (Bucket(type).ContainsKey(Key(type, ns, name))) throw new ApiException(ApiStatus.AlreadyExists(type, name));
            return Commit(type, ns, name, body, null);
        }
    }

    /// <summary>Create-or-replace without preconditions: test setup, YAML loading.</summary>
    public StoredObject Upsert(ResourceType type, JsonObject body)
    {
        var name = NameOf(body);
        var ns = type.Namespaced ? (string?)body["metadata"]?["namespace"] ?? "default" : null;
        lock (_lock) return Commit(type, ns, name, body, Bucket(type).GetValueOrDefault(Key(type, ns, name)));
    }

    /// <summary>
    /// Read-modify-write under the lock. <paramref name="expectedRv"/> is the optimistic-concurrency
    /// precondition of PUT (metadata.resourceVersion in the body); a mismatch is 409 Conflict.
    /// </summary>
    public StoredObject Update(ResourceType type, string? ns, string name, string? expectedRv,
        Func<JsonObject, JsonObject> transform)
    {
        lock (_lock)
        {
            var old = Bucket(type).GetValueOrDefault(Key(type, ns, name)) ?? throw new ApiException(ApiStatus.NotFound(type, name));
            if (!string.IsNullOrEmpty(expectedRv) && expectedRv != old.ResourceVersion)
                throw new ApiException(ApiStatus.Conflict(type, name));
            return Commit(type, ns, name, transform((JsonObject)old.Node.DeepClone()), old);
        }
    }

    public StoredObject Delete(ResourceType type, string? ns, string name)
    {
        lock (_lock)
        {
            var key = Key(type, ns, name);
            if (!Bucket(type).Remove(key, out var old)) throw new ApiException(ApiStatus.NotFound(type, name));
            var gone = old.WithResourceVersion(++_rv);
            Publish(new WatchEvent(_rv, type, "DELETED", gone, old));
            return gone;
        }
    }

    /// <summary>
    /// Registers a watch and pre-fills its channel. rv unset/"0" (or sendInitialEvents) means "current state
    /// as synthetic ADDED events"; otherwise history after rv is replayed, or 410 if it was forgotten.
    /// </summary>
    public WatchSubscription Watch(ResourceType type, ObjectFilter filter, string? resourceVersion,
        bool sendInitialEvents, bool allowBookmarks)
    {
        lock (_lock)
        {
            var sub = new WatchSubscription(type, filter);
            if (sendInitialEvents || string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var obj in Bucket(type).Values.Where(o => filter.Matches(o.Node)))
                    sub.Channel.Writer.TryWrite(new WatchItem("ADDED", obj.Json));
                if (sendInitialEvents && allowBookmarks)
                    sub.Channel.Writer.TryWrite(Bookmark(type, initialEventsEnd: true));
            }
            else
            {
                if (!long.TryParse(resourceVersion, out var from))
                    throw new ApiException(ApiStatus.BadRequest($"invalid resource version \"{resourceVersion}\""));
                if (from < _historyStartRv)
                    throw new ApiException(ApiStatus.Expired($"too old resource version: {from} ({_historyStartRv + 1})"));
                foreach (var e in _history)
                {
                    if (e.Rv <= from || e.Type != type) continue;
                    if (e.For(filter) is { } item) sub.Channel.Writer.TryWrite(item);
                }
            }
            _watches.Add(sub);
            return sub;
        }
    }

    public void Unwatch(WatchSubscription sub)
    {
        lock (_lock) _watches.Remove(sub);
    }

    /// <summary>Queued behind pending events, so the bookmark's rv never runs ahead of what the watcher has seen.</summary>
    public void EnqueueBookmark(WatchSubscription sub)
    {
        lock (_lock) sub.Channel.Writer.TryWrite(Bookmark(sub.Type, initialEventsEnd: false));
    }

    public void DropAllWatches()
    {
        WatchSubscription[] subs;
        lock (_lock)
        {
            subs = [.. _watches];
            _watches.Clear();
        }
        // Cancel outside the lock: cancellation callbacks run inline and must not re-enter the store under it.
        foreach (var s in subs) s.Drop();
    }

    public void ExpireHistory()
    {
        lock (_lock)
        {
            _history.Clear();
            _historyStartRv = _rv;
        }
    }

    private StoredObject Commit(ResourceType type, string? ns, string name, JsonObject obj, StoredObject? old)
    {
        obj["kind"] = type.Kind;
        obj["apiVersion"] = type.ApiVersion;
        if (obj["metadata"] is not JsonObject meta) obj["metadata"] = meta = new JsonObject();
        meta["name"] = name;
        if (type.Namespaced) meta["namespace"] = ns;
        else meta.Remove("namespace");
        if (type.Kind == "Secret") FoldStringData(obj);

        if (old is null)
        {
            meta["uid"] ??= Guid.NewGuid().ToString();
            meta["creationTimestamp"] ??= DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
            meta["generation"] = 1L;
        }
        else
        {
            var oldMeta = (JsonObject)old.Node["metadata"]!;
            meta["uid"] = oldMeta["uid"]?.DeepClone();
            meta["creationTimestamp"] = oldMeta["creationTimestamp"]?.DeepClone();
            // Parsed or constructed nodes may hold int or long; the JSON text is the common ground.
            var generation = long.TryParse(oldMeta["generation"]?.ToJsonString(), out var g) ? g : 1L;
            meta["generation"] = SpecChanged(old.Node, obj) ? generation + 1 : generation;
            meta["resourceVersion"] = old.ResourceVersion;
            // The apiserver does not bump resourceVersion (or notify watchers) for a no-op write.
            if (JsonNode.DeepEquals(old.Node, obj)) return old;
        }

        meta["resourceVersion"] = (++_rv).ToString();
        var stored = StoredObject.From(obj);
        Bucket(type)[Key(type, ns, name)] = stored;
        Publish(new WatchEvent(_rv, type, old is null ? "ADDED" : "MODIFIED", stored, old));
        return stored;
    }

    /// <summary>Rewinds the current objects of a kind to resourceVersion <paramref name="rv"/> using the history.</summary>
    private SortedDictionary<string, StoredObject> StateAt(ResourceType type, long rv)
    {
        var state = new SortedDictionary<string, StoredObject>(Bucket(type), StringComparer.Ordinal);
        foreach (var e in _history.Reverse())
        {
            if (e.Rv <= rv) break;
            if (e.Type != type) continue;
            var meta = e.Current.Node["metadata"]!;
            var key = Key(type, (string?)meta["namespace"], (string)meta["name"]!);
            if (e.EventType == "ADDED") state.Remove(key);
            else state[key] = e.Prev!;
        }
        return state;
    }

    private void Publish(WatchEvent e)
    {
        _history.Enqueue(e);
        while (_history.Count > historyLimit) _historyStartRv = _history.Dequeue().Rv;
        foreach (var sub in _watches)
        {
            if (sub.Type == e.Type && e.For(sub.Filter) is { } item) sub.Channel.Writer.TryWrite(item);
        }
    }

    private WatchItem Bookmark(ResourceType type, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = _rv.ToString() };
        if (initialEventsEnd) meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        var obj = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = meta };
        return new WatchItem("BOOKMARK", Encoding.UTF8.GetBytes(obj.ToJsonString()));
    }

    private SortedDictionary<string, StoredObject> Bucket(ResourceType type)
    {
        if (!_objects.TryGetValue(type, out var bucket)) _objects[type] = bucket = new(StringComparer.Ordinal);
        return bucket;
    }

    private static string NameOf(JsonObject body) =>
        (string?)body["metadata"]?["name"] is { Length: > 0 } name
            ? name
            : throw new ApiException(ApiStatus.Failure(422, "Invalid", "metadata.name: Required value: name is required"));

    /// <summary>Generation tracks spec changes only; metadata and status writes leave it alone.</summary>
    private static bool SpecChanged(JsonObject before, JsonObject after)
    {
        foreach (var key in before.Select(p => p.Key).Union(after.Select(p => p.Key)))
        {
            if (key is "metadata" or "status") continue;
            if (!JsonNode.DeepEquals(before[key], after[key])) return true;
        }
        return false;
    }

    /// <summary>The apiserver merges Secret.stringData into data (base64) and never stores stringData.</summary>
    private static void FoldStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject stringData) return;
        if (secret["data"] is not JsonObject data) secret["data"] = data = new JsonObject();
        foreach (var (k, v) in stringData)
            data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string?)v ?? ""));
        secret.Remove("stringData");
    }
}
