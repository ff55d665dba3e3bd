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
    // Only with headerLabels: the *_requests_total series split by the header values.
    private readonly ConcurrentDictionary<(CellKey Key, string Values), RemovableCount> _headerCounts = new();
    private readonly ConcurrentDictionary<TlsCellKey, RemovableCount> _tlsCounts = new();
    private readonly ConcurrentDictionary<string, StrongBox<long>> _retries = new(StringComparer.Ordinal);
    private readonly Func<CellKey, RequestCell> _create;
    private DynamicConfig _config = new();
    private long _reloads;
    private long _lastReloadSuccess;

    public EdgeMetrics(MetricsOptions options)
    {
        Options = options;
        Buckets = options.PrometheusBuckets.ToArray();
        HeaderLabels = new HeaderLabels(options.HeaderLabels);
        _create = k => new RequestCell(k, Buckets.Length);
    }

    public MetricsOptions Options { get; }
    public double[] Buckets { get; }
    public HeaderLabels HeaderLabels { get; }
    public IEnumerable<KeyValuePair<(CellKey Key, string Values), RemovableCount>> HeaderCounts => _headerCounts;
    public IEnumerable<KeyValuePair<TlsCellKey, RemovableCount>> TlsCounts => _tlsCounts;
    public long Reloads => Volatile.Read(ref _reloads);
    public long LastReloadSuccess => Volatile.Read(ref _lastReloadSuccess);
    public ICollection<RequestCell> Cells => _cells.Values;
    public IEnumerable<KeyValuePair<string, StrongBox<long>>> OpenConnections => _openConnections;
    public IEnumerable<KeyValuePair<(string Service, string Stage), StrongBox<long>>> ForwardErrors => _forwardErrors;
    public IEnumerable<KeyValuePair<string, StrongBox<long>>> Retries => _retries;

    /// <summary>The certificates served now (from the data plane's current CertificateStore).</summary>
    public Func<IReadOnlyList<X509Certificate2>> Certificates { get; set; } = () => [];

    /// <summary>The health-checked servers now, with their status (service qualified, server URL), for traefik_service_server_up.</summary>
    public Func<IEnumerable<(string Service, string Url, bool Up)>> ServersUp { get; set; } = () => [];

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
        Expire(_headerCounts, k => Configured(config, k.Key), now);
        Expire(_tlsCounts, k => Configured(config, k.Scope, k.Name, k.Service), now);
    }

    private static void Expire<TKey>(ConcurrentDictionary<TKey, RemovableCount> counts, Func<TKey, bool> configured, long now) where TKey : notnull
    {
        foreach (var (key, count) in counts)
        {
            if (configured(key)) { count.RemovedAt = 0; continue; }
            if (count.RemovedAt == 0) count.RemovedAt = now;
            else if (now - count.RemovedAt > (long)UnscrapedRetention.TotalMilliseconds) counts.TryRemove(key, out _);
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
        foreach (var key in _headerCounts.Keys)
            if (!Configured(config, key.Key)) _headerCounts.TryRemove(key, out _);
        foreach (var key in _tlsCounts.Keys)
            if (!Configured(config, key.Scope, key.Name, key.Service)) _tlsCounts.TryRemove(key, out _);
        foreach (var key in _retries.Keys)
            if (!Names(config.Http.Services, key)) _retries.TryRemove(key, out _);
    }

    private static bool Configured(DynamicConfig config, in CellKey key) => Configured(config, key.Scope, key.Name, key.Service);

    private static bool Configured(DynamicConfig config, CellScope scope, string name, string service) => scope switch
    {
        CellScope.Router => Names(config.Http.Routers, name) && Names(config.Http.Services, service),
        CellScope.Service => Names(config.Http.Services, name),
        _ => true,   // entry points are static configuration
    };

    // Cells carry qualified names (Traefik's router@provider); the configuration's own routers are unqualified.
    private static bool Names<T>(SortedDictionary<string, T> map, string qualified) =>
        map.ContainsKey(qualified) || (ProviderNames.Unqualified(qualified) is { } own && map.ContainsKey(own));

    public StrongBox<long> ConnectionGauge(string entryPoint) => _openConnections.GetOrAdd(entryPoint, _ => new StrongBox<long>());

    /// <summary>One finished request. <paramref name="router"/> and <paramref name="service"/> are qualified names or null.</summary>
    public void Record(string entryPoint, string? router, string? service, int code, string method, string protocol,
        long elapsedTicks, long requestBytes, long responseBytes, string? ns = null, string? headerValues = null)
    {
        double seconds = (double)elapsedTicks / Stopwatch.Frequency;
        if (Options.AddEntryPointsLabels)
            Count(new CellKey(CellScope.EntryPoint, entryPoint, "", code, method, protocol), elapsedTicks, seconds, requestBytes, responseBytes, headerValues);
        if (router is not null && service is not null && Options.AddRoutersLabels)
            Count(new CellKey(CellScope.Router, router, service, code, method, protocol, ns), elapsedTicks, seconds, requestBytes, responseBytes, headerValues);
        if (service is not null && Options.AddServicesLabels)
            Count(new CellKey(CellScope.Service, service, "", code, method, protocol, ns), elapsedTicks, seconds, requestBytes, responseBytes, headerValues);
    }

    private void Count(in CellKey key, long elapsedTicks, double seconds, long requestBytes, long responseBytes, string? headerValues)
    {
        Cell(key).Record(elapsedTicks, seconds, Buckets, requestBytes, responseBytes);
        if (headerValues is not null) Interlocked.Increment(ref _headerCounts.GetOrAdd((key, headerValues), _ => new RemovableCount()).Value);
    }

    /// <summary>
    /// One finished request over TLS (Traefik's *_requests_tls_total, counted for every TLS request
    /// whatever its status). <paramref name="version"/> and <paramref name="cipher"/> are Traefik's names.
    /// </summary>
    public void RecordTls(string entryPoint, string? router, string? service, string version, string cipher, string? ns = null)
    {
        if (Options.AddEntryPointsLabels) Tls(new TlsCellKey(CellScope.EntryPoint, entryPoint, "", version, cipher));
        if (router is not null && service is not null && Options.AddRoutersLabels) Tls(new TlsCellKey(CellScope.Router, router, service, version, cipher, ns));
        if (service is not null && Options.AddServicesLabels) Tls(new TlsCellKey(CellScope.Service, service, "", version, cipher, ns));
    }

    private void Tls(in TlsCellKey key)
    {
        if (!_tlsCounts.TryGetValue(key, out var c)) c = _tlsCounts.GetOrAdd(key, _ => new RemovableCount());
        Interlocked.Increment(ref c.Value);
    }

    /// <summary>One failed forward to <paramref name="service"/> (qualified), by the stage it failed in.</summary>
    public void ForwardFailed(string service, string stage) =>
        Interlocked.Increment(ref _forwardErrors.GetOrAdd((service, stage), _ => new StrongBox<long>()).Value);

    /// <summary>A retry middleware re-sent a request to <paramref name="service"/> (qualified) <paramref name="retries"/> times (traefik_service_retries_total).</summary>
    public void Retried(string service, int retries) =>
        Interlocked.Add(ref _retries.GetOrAdd(service, _ => new StrongBox<long>()).Value, retries);

    /// <summary>One ACME order finished (edge_acme_orders_total; Traefik has no ACME metric).</summary>
    public void AcmeOrder(string resolver, string domains, string kind, bool success) =>
        Interlocked.Increment(ref _acmeOrders.GetOrAdd((resolver, domains, kind, success ? "success" : "failure"), _ => new StrongBox<long>()).Value);

    public IEnumerable<KeyValuePair<(string Resolver, string Domains, string Kind, string Result), StrongBox<long>>> AcmeOrders => _acmeOrders;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Resolver, string Domains, string Kind, string Result), StrongBox<long>> _acmeOrders = new();

    private RequestCell Cell(in CellKey key) => _cells.TryGetValue(key, out var c) ? c : _cells.GetOrAdd(key, _create);
}

/// <summary>A counter that remembers when the configuration stopped naming its router or service.</summary>
public sealed class RemovableCount
{
    public long Value;
    internal long RemovedAt;
}
