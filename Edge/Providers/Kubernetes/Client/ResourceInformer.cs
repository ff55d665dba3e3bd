using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Edge.Observability.Logging;
using k8s;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>Non-generic face of an informer, for the cache that owns several.</summary>
public interface IResourceInformer
{
    string Description { get; }
    bool Synced { get; }
    Task RunAsync(CancellationToken ct);

    /// <summary>Bumped on every change to <c>Items</c>: lets a snapshot reuse what did not change.</summary>
    long Version { get; }

    /// <summary>Objects held now (for /debug/vars).</summary>
    int Count { get; }
}

/// <summary>
/// List-then-watch for one kind in one scope (a namespace, or the cluster). KubernetesClient.Aot
/// compiles its Watcher out, so this is the watch loop: list (paged) to get a consistent state and
/// a resourceVersion, watch from it with bookmarks, relist on 410 Gone, and reconnect with capped
/// exponential backoff on errors and stream ends. The cache is a plain concurrent map; every
/// change calls <c>onChange</c>, which only signals (the translation runs elsewhere).
/// </summary>
public sealed class ResourceInformer<T, TList> : IResourceInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : class
{
    private readonly KubeApi _api;
    private readonly ResourceKind<T, TList> _kind;
    private readonly string? _namespace;
    private readonly string? _labelSelector;
    private readonly Action _onChange;
    private readonly ConcurrentDictionary<string, T> _items = new();
    private string? _resourceVersion;
    private long _version;

    public long Version => Interlocked.Read(ref _version);
    private TimeSpan _backoff;
    private int _failures;   // consecutive failures: the first of an outage is logged as an error

    public ResourceInformer(KubeApi api, ResourceKind<T, TList> kind, string? ns, string? labelSelector, Action onChange)
    {
        _api = api; _kind = kind; _namespace = ns; _labelSelector = string.IsNullOrEmpty(labelSelector) ? null : labelSelector; _onChange = onChange;
    }

    public string Description => _namespace is null ? _kind.Plural + " (all namespaces)" : $"{_kind.Plural} in namespace {_namespace}";
    public bool Synced { get; private set; }
    public ICollection<T> Items => _items.Values;
    public int Count => _items.Count;

    public static TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);
    // 10 s: a recovered API server is noticed quickly; a few watches per replica every 10 s cost it nothing.
    public static TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public async Task RunAsync(CancellationToken ct)
    {
        _backoff = InitialBackoff;
        bool mustList = true;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (mustList)
                {
                    await ListAsync(ct).ConfigureAwait(false);
                    mustList = false;
                }
                var outcome = await WatchAsync(ct).ConfigureAwait(false);
                if (outcome == WatchOutcome.Expired)
                {
                    Log.Info("Watch expired (410 Gone), relisting", ("resource", Description));
                    mustList = true;
                    continue;
                }
                _backoff = InitialBackoff;   // a clean stream end: re-watch at once
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.Status == HttpStatusCode.Gone)
            {
                Log.Info("Watch expired (410 Gone), relisting", ("resource", Description));
                mustList = true;
            }
            catch (KubeApiException e) when (e.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound && !Synced)
            {
                // Missing RBAC for one kind, or a kind whose CustomResourceDefinition is not
                // installed (404), must not hold back every other route: serve without it (as an
                // empty cache) and keep retrying in case the permission or the CRD arrives later.
                Log.Write(_failures++ == 0 ? LogLevel.Error : LogLevel.Debug, e.Status == HttpStatusCode.NotFound
                        ? "Kubernetes resource kind not served by the API server (CustomResourceDefinition not installed?), continuing without it"
                        : "Forbidden to list Kubernetes resources; check the RBAC of the service account, continuing without them",
                    [("resource", Description), ("error", e.Message)]);
                Synced = true;
                Interlocked.Increment(ref _version);
                _onChange();
                try { await Task.Delay(MaxBackoff, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
            catch (Exception e)
            {
                // Logged once per outage at error level; the retries that follow only at debug.
                Log.Write(_failures++ == 0 ? LogLevel.Error : LogLevel.Debug, "Error watching Kubernetes resources, retrying with backoff",
                    [("resource", Description), ("error", e.Message), ("retryIn", _backoff)]);
                mustList = mustList || e is KubeApiException;
                try { await Task.Delay(Jitter(_backoff), ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>The server answers again: log the end of an outage, and start the next backoff short.</summary>
    private void Recovered()
    {
        if (_failures > 0) Log.Info("Kubernetes API reachable again", ("resource", Description), ("failedAttempts", _failures));
        _failures = 0;
        _backoff = InitialBackoff;
    }

    private static TimeSpan Jitter(TimeSpan t) => t * (0.8 + Random.Shared.NextDouble() * 0.4);

    private async Task ListAsync(CancellationToken ct)
    {
        var fresh = new Dictionary<string, T>();
        string? cont = null;
        string? rv;
        do
        {
            var query = Query(("limit", "500"), ("continue", cont), ("labelSelector", _labelSelector));
            var list = await _api.GetJsonAsync(_kind.CollectionPath(_namespace) + query, _kind.ListJson, ct).ConfigureAwait(false);
            foreach (var item in _kind.Items(list) ?? [])
                fresh[Key(item)] = item;
            var meta = _kind.ListMeta(list);
            cont = meta?.ContinueProperty;
            rv = meta?.ResourceVersion;
        } while (!string.IsNullOrEmpty(cont));

        foreach (var key in _items.Keys)
            if (!fresh.ContainsKey(key)) _items.TryRemove(key, out _);
        foreach (var (key, item) in fresh)
            _items[key] = item;
        _resourceVersion = rv;
        Recovered();
        Synced = true;
        Log.Debug("Listed Kubernetes resources", ("resource", Description), ("count", fresh.Count), ("resourceVersion", rv));
        Interlocked.Increment(ref _version);
                _onChange();
    }

    private enum WatchOutcome { Ended, Expired }

    private async Task<WatchOutcome> WatchAsync(CancellationToken ct)
    {
        // A server-side timeout ends quiet watches now and then, as client-go does, so that a watch
        // silently dropped by a middlebox is noticed.
        var timeout = 240 + Random.Shared.Next(120);
        var query = Query(("watch", "true"), ("allowWatchBookmarks", "true"), ("resourceVersion", _resourceVersion),
            ("timeoutSeconds", timeout.ToString()), ("labelSelector", _labelSelector));
        using var stream = await _api.OpenStreamAsync(_kind.CollectionPath(_namespace) + query, ct).ConfigureAwait(false);
        Recovered();
        using var reader = new StreamReader(stream);
        while (true)
        {
            var line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null) return WatchOutcome.Ended;
            if (line.Length == 0) continue;
            if (!Apply(line)) return WatchOutcome.Expired;
        }
    }

    /// <summary>Applies one watch event; false when the server says our resourceVersion is too old.</summary>
    private bool Apply(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var type = doc.RootElement.GetProperty("type").GetString();
        var obj = doc.RootElement.GetProperty("object");
        switch (type)
        {
            case "ADDED":
            case "MODIFIED":
            {
                var item = obj.Deserialize(_kind.ItemJson)!;
                _items[Key(item)] = item;
                _resourceVersion = item.Metadata?.ResourceVersion ?? _resourceVersion;
                Interlocked.Increment(ref _version);
                _onChange();
                return true;
            }
            case "DELETED":
            {
                var item = obj.Deserialize(_kind.ItemJson)!;
                _items.TryRemove(Key(item), out _);
                _resourceVersion = item.Metadata?.ResourceVersion ?? _resourceVersion;
                Interlocked.Increment(ref _version);
                _onChange();
                return true;
            }
            case "BOOKMARK":
                if (obj.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var rv))
                    _resourceVersion = rv.GetString();
                return true;
            case "ERROR":
                var code = obj.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
                if (code == 410) return false;
                throw new KubeApiException((HttpStatusCode)code, obj.TryGetProperty("message", out var msg) ? msg.GetString() ?? "" : "watch error");
            default:
                return true;
        }
    }

    private static string Key(T item) => $"{item.Metadata?.NamespaceProperty}/{item.Metadata?.Name}";

    private static string Query(params (string Key, string? Value)[] parts)
    {
        var q = string.Join("&", parts.Where(p => !string.IsNullOrEmpty(p.Value))
            .Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!)));
        return q.Length == 0 ? "" : "?" + q;
    }
}
