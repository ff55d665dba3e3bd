using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Edge.Configuration;

namespace Edge.Observability.Metrics;

/// <summary>
/// Traefik's Prometheus metrics (pkg/observability/metrics/prometheus.go): request counters,
/// byte counters and duration histograms per entry point, router and service, open connections,
/// configuration reloads, TLS certificate expiry. The hot path is <see cref="Record"/>: up to
/// three struct-keyed lookups and Interlocked adds, no locks and no allocation once a label set
/// has been seen.
/// </summary>
public sealed class EdgeMetrics
{
    private readonly ConcurrentDictionary<CellKey, RequestCell> _cells = new();
    private readonly ConcurrentDictionary<string, StrongBox<long>> _openConnections = new(StringComparer.Ordinal);
    private readonly Func<CellKey, RequestCell> _create;
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

    /// <summary>The certificates served now (from the data plane's current CertificateStore).</summary>
    public Func<IReadOnlyList<X509Certificate2>> Certificates { get; set; } = () => [];

    public void ConfigurationReloaded(DateTimeOffset at)
    {
        Interlocked.Increment(ref _reloads);
        Volatile.Write(ref _lastReloadSuccess, at.ToUnixTimeSeconds());
    }

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

    private RequestCell Cell(in CellKey key) => _cells.TryGetValue(key, out var c) ? c : _cells.GetOrAdd(key, _create);
}
