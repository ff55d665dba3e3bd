using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Edge.Configuration;
using Edge.Model;

namespace Edge.Observability.Metrics;

/// <summary>
/// Traefik's Prometheus metrics (pkg/observability/metrics/prometheus.go): request counters,
/// byte counters and duration histograms per entry point, router and service, open connections,
/// configuration reloads, TLS certificate expiry. The hot path is <see cref="Record"/>: up to
/// three struct-keyed lookups and Interlocked adds, no locks and no allocation once a label set
/// has been seen.
/// Series of routers and services the configuration no longer names are removed the way
/// Traefik's prometheusState does (SetDynamicConfig, Collect): written by one more scrape, so the
/// last increments are not lost, then deleted. Without a scrape they go once they have been gone
/// for <see cref="UnscrapedRetention"/>: nothing else bounds them under router churn.
/// </summary>
public sealed class EdgeMetrics
{
    private readonly ConcurrentDictionary<CellKey, RequestCell> _cells = new();
    private readonly ConcurrentDictionary<string, StrongBox<long>> _openConnections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Service, string Stage), StrongBox<long>> _forwardErrors = new();
    private readonly ConcurrentDictionary<string, StrongBox<long>> _retries = new(StringComparer.Ordinal);
    private readonly Func<CellKey, RequestCell> _create;
    private DynamicConfig _config = new();
    private long _reloads;
    private long _lastReloadSuccess;

    public EdgeMetrics(MetricsOptions options)
    {
        Options = options;
        Buckets = options.PrometheusBuckets.ToArray();
        _create = k => new RequestCell(k, Buckets.Length);
    }

    public MetricsOptions Options { get; }
    public double[] Buckets { get; }
    public long Reloads => Volatile.Read(ref _reloads);
    public long LastReloadSuccess => Volatile.Read(ref _lastReloadSuccess);
    public ICollection<RequestCell> Cells => _cells.Values;
    public IEnumerable<KeyValuePair<string, StrongBox<long>>> OpenConnections => _openConnections;
    public IEnumerable<KeyValuePair<(string Service, string Stage), StrongBox<long>>> ForwardErrors => _forwardErrors;
    public IEnumerable<KeyValuePair<string, StrongBox<long>>> Retries => _retries;

    /// <summary>The certificates served now (from the data plane's current CertificateStore).</summary>
    public Func<IReadOnlyList<X509Certificate2>> Certificates { get; set; } = () => [];

    /// <summary>How long series of a removed router or service wait for a scrape before they are dropped anyway.</summary>
    public static TimeSpan UnscrapedRetention { get; set; } = TimeSpan.FromMinutes(5);

    public void ConfigurationReloaded(DateTimeOffset at, DynamicConfig? config = null)
    {
        Interlocked.Increment(ref _reloads);
        Volatile.Write(ref _lastReloadSuccess, at.ToUnixTimeSeconds());
        if (config is null) return;
        Volatile.Write(ref _config, config);
        long now = Environment.TickCount64;
        foreach (var (key, cell) in _cells)
        {
            if (Configured(config, key)) { cell.RemovedAt = 0; continue; }
            if (cell.RemovedAt == 0) cell.RemovedAt = now;
            else if (now - cell.RemovedAt > (long)UnscrapedRetention.TotalMilliseconds) _cells.TryRemove(key, out _);
        }
    }

    /// <summary>
    /// After a scrape wrote them: deletes the series of routers and services the current
    /// configuration does not name (checked against it, not a list kept at reload time, so a
    /// request that finished on the old configuration after the reload is removed too).
    /// </summary>
    public void Scraped()
    {
        var config = Volatile.Read(ref _config);
        foreach (var key in _cells.Keys)
            if (!Configured(config, key)) _cells.TryRemove(key, out _);
        foreach (var key in _forwardErrors.Keys)
            if (!Names(config.Http.Services, key.Service)) _forwardErrors.TryRemove(key, out _);
        foreach (var key in _retries.Keys)
            if (!Names(config.Http.Services, key)) _retries.TryRemove(key, out _);
    }

    private static bool Configured(DynamicConfig config, in CellKey key) => key.Scope switch
    {
        CellScope.Router => Names(config.Http.Routers, key.Name) && Names(config.Http.Services, key.Service),
        CellScope.Service => Names(config.Http.Services, key.Name),
        _ => true,   // entry points are static configuration
    };

    // Cells carry qualified names (Traefik's router@provider); the configuration's own routers are unqualified.
    private static bool Names<T>(SortedDictionary<string, T> map, string qualified) =>
        map.ContainsKey(qualified) || (ProviderNames.Unqualified(qualified) is { } own && map.ContainsKey(own));

    public StrongBox<long> ConnectionGauge(string entryPoint) => _openConnections.GetOrAdd(entryPoint, _ => new StrongBox<long>());

    /// <summary>One finished request. <paramref name="router"/> and <paramref name="service"/> are qualified names or null.</summary>
    public void Record(string entryPoint, string? router, string? service, int code, string method, string protocol,
        long elapsedTicks, long requestBytes, long responseBytes, string? ns = null)
    {
        double seconds = (double)elapsedTicks / Stopwatch.Frequency;
        if (Options.AddEntryPointsLabels)
            Cell(new CellKey(CellScope.EntryPoint, entryPoint, "", code, method, protocol)).Record(elapsedTicks, seconds, Buckets, requestBytes, responseBytes);
        if (router is not null && service is not null && Options.AddRoutersLabels)
            Cell(new CellKey(CellScope.Router, router, service, code, method, protocol, ns)).Record(elapsedTicks, seconds, Buckets, requestBytes, responseBytes);
        if (service is not null && Options.AddServicesLabels)
            Cell(new CellKey(CellScope.Service, service, "", code, method, protocol, ns)).Record(elapsedTicks, seconds, Buckets, requestBytes, responseBytes);
    }

    /// <summary>One failed forward to <paramref name="service"/> (qualified), by the stage it failed in.</summary>
    public void ForwardFailed(string service, string stage) =>
        Interlocked.Increment(ref _forwardErrors.GetOrAdd((service, stage), _ => new StrongBox<long>()).Value);

    /// <summary>A retry middleware re-sent a request to <paramref name="service"/> (qualified) <paramref name="retries"/> times (traefik_service_retries_total).</summary>
    public void Retried(string service, int retries) =>
        Interlocked.Add(ref _retries.GetOrAdd(service, _ => new StrongBox<long>()).Value, retries);

    private RequestCell Cell(in CellKey key) => _cells.TryGetValue(key, out var c) ? c : _cells.GetOrAdd(key, _create);
}
