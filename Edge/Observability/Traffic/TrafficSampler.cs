using System.Diagnostics;
using Edge.Observability.Metrics;

namespace Edge.Observability.Traffic;

/// <summary>
/// Live traffic for the dashboard, with no per-request cost: every <see cref="Interval"/> a
/// background loop reads the Prometheus cells that <see cref="EdgeMetrics.Record"/> already
/// updates, sums them per router, service, entry point and (tenancy mode) namespace, and writes
/// the difference to the previous sample into a fixed ring per series (<see cref="TrafficSeries"/>):
/// request rate, 4xx and 5xx shares, mean latency, and p50/p99 estimated from the duration
/// histogram as Prometheus's histogram_quantile does (so as fine as metrics.prometheus.buckets).
/// Memory: a ring exists only for a series with a request in the window (dropped after a whole
/// idle window) and at most <see cref="MaxSeries"/> of them; the previous totals are kept per
/// label key (one small record per router/service that has metric cells).
/// </summary>
public sealed class TrafficSampler(EdgeMetrics metrics, TimeSpan? interval = null, int slots = TrafficSampler.DefaultSlots, int maxSeries = TrafficSampler.DefaultMaxSeries)
{
    public const int DefaultSlots = 150;
    public const int DefaultMaxSeries = 2000;

    private sealed class Totals(int buckets)
    {
        public long Count, C4, C5, DurationTicks;
        public readonly long[] Buckets = new long[buckets + 1];
        public string? Namespace;
        public void Clear() { Count = C4 = C5 = DurationTicks = 0; Array.Clear(Buckets); Namespace = null; }
    }

    private readonly object _lock = new();
    private readonly Dictionary<(TrafficKind, string), Totals> _previous = new();
    private Dictionary<(TrafficKind, string), Totals> _current = new();
    private readonly Dictionary<(TrafficKind, string), TrafficSeries> _series = new();
    private readonly Dictionary<string, string> _namespaceOf = new(StringComparer.Ordinal);
    private long _tick = -1;

    public TimeSpan Interval { get; } = interval ?? TimeSpan.FromSeconds(2);
    public int Slots { get; } = slots;
    public int MaxSeries { get; } = maxSeries;
    public DateTimeOffset LastSampleAt { get; private set; }
    /// <summary>Whether router series exist at all (metrics.prometheus.addRoutersLabels).</summary>
    public bool RouterSeries => metrics.Options.AddRoutersLabels;

    /// <summary>The largest memory the rings can take (the README quotes it).</summary>
    public long MaxRingBytes => (long)MaxSeries * Slots * TrafficSeries.BytesPerSlot;

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        Sample();
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) Sample();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>One tick: totals of every cell now, minus the previous totals, into each series' ring.</summary>
    public void Sample()
    {
        var buckets = metrics.Buckets;
        var current = _current;
        foreach (var t in current.Values) t.Clear();
        foreach (var cell in metrics.Cells)
        {
            var k = cell.Key;
            switch (k.Scope)
            {
                case CellScope.EntryPoint: Add(current, (TrafficKind.EntryPoint, k.Name), cell, null, buckets.Length); break;
                case CellScope.Router: Add(current, (TrafficKind.Router, k.Name), cell, k.Namespace, buckets.Length); break;
                case CellScope.Service:
                    Add(current, (TrafficKind.Service, k.Name), cell, k.Namespace, buckets.Length);
                    if (k.Namespace is { Length: > 0 } ns) Add(current, (TrafficKind.Namespace, ns), cell, ns, buckets.Length);
                    break;
            }
        }
        lock (_lock)
        {
            long tick = ++_tick;
            double seconds = Interval.TotalSeconds;
            var written = new HashSet<(TrafficKind, string)>();
            foreach (var (key, now) in current)
            {
                if (now.Count == 0 && !_previous.ContainsKey(key)) continue;   // a cleared leftover
                _previous.TryGetValue(key, out var before);
                // The first sample is the baseline; a key that appears later started after the last tick.
                // A total that went down is a cell removed and created again: count it from zero.
                bool reset = before is null ? tick == 0 : now.Count < before.Count;
                long requests = before is null ? (tick == 0 ? 0 : now.Count) : reset ? now.Count : now.Count - before.Count;
                if (before is null) _previous[key] = before = new Totals(buckets.Length);
                else if (reset || tick == 0) before.Clear();
                if (now.Namespace is { } ns) _namespaceOf[key.Item2] = ns;
                if (!_series.TryGetValue(key, out var series))
                {
                    if (requests == 0 || _series.Count >= MaxSeries) { Copy(now, before); continue; }
                    _series[key] = series = new TrafficSeries(key.Item1, key.Item2, Slots);
                }
                series.Write(tick, requests, Point(now, before, requests, seconds, buckets));
                written.Add(key);
                Copy(now, before);
            }
            // Series that saw nothing this tick get their zero point; a whole idle window drops them.
            foreach (var (key, series) in _series.ToList())
            {
                if (!written.Contains(key)) series.Write(tick, 0, default);
                if (tick - series.LastActiveTick >= Slots) _series.Remove(key);
            }
            // Keys whose cells are gone (a removed router) are forgotten on both sides.
            foreach (var key in current.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).ToList())
            {
                current.Remove(key);
                _previous.Remove(key);
            }
            LastSampleAt = DateTimeOffset.UtcNow;
        }
    }

    private static void Add(Dictionary<(TrafficKind, string), Totals> map, (TrafficKind, string) key, RequestCell cell, string? ns, int buckets)
    {
        if (!map.TryGetValue(key, out var t)) map[key] = t = new Totals(buckets);
        long n = cell.Count;
        t.Count += n;
        if (cell.Key.Code is >= 400 and < 500) t.C4 += n;
        else if (cell.Key.Code >= 500) t.C5 += n;
        t.DurationTicks += (long)(cell.DurationSeconds * Stopwatch.Frequency);
        for (int i = 0; i < t.Buckets.Length; i++) t.Buckets[i] += cell.Bucket(i);
        if (ns is not null) t.Namespace = ns;
    }

    private static void Copy(Totals from, Totals to)
    {
        to.Count = from.Count; to.C4 = from.C4; to.C5 = from.C5; to.DurationTicks = from.DurationTicks;
        Array.Copy(from.Buckets, to.Buckets, from.Buckets.Length);
    }

    private static TrafficPoint Point(Totals now, Totals before, long requests, double seconds, double[] bounds)
    {
        if (requests <= 0) return default;
        var delta = new long[now.Buckets.Length];
        for (int i = 0; i < delta.Length; i++) delta[i] = Math.Max(0, now.Buckets[i] - before.Buckets[i]);
        double mean = (double)Math.Max(0, now.DurationTicks - before.DurationTicks) / Stopwatch.Frequency / requests;
        return new TrafficPoint((float)(requests / seconds), (float)Math.Max(0, now.C4 - before.C4) / requests,
            (float)Math.Max(0, now.C5 - before.C5) / requests, (float)Quantile(0.5, delta, bounds), (float)Quantile(0.99, delta, bounds), (float)mean);
    }

    /// <summary>
    /// Prometheus's histogram_quantile over per-bucket (non-cumulative) counts: linear inside the
    /// bucket holding the rank, from 0 for the first; the +Inf bucket answers the largest bound.
    /// </summary>
    public static double Quantile(double q, long[] counts, double[] bounds)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        if (total == 0) return 0;
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (below + counts[i] >= rank && counts[i] > 0)
            {
                if (i >= bounds.Length) return bounds.Length == 0 ? 0 : bounds[^1];
                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * (rank - below) / counts[i];
            }
            below += counts[i];
        }
        return bounds.Length == 0 ? 0 : bounds[^1];
    }

    /// <summary>The series of one kind (optionally one name, or one namespace), with the tick of the last sample.</summary>
    public (long Tick, List<(TrafficSeries Series, string? Namespace, TrafficPoint[] Points)> Series) Read(TrafficKind kind, string? name = null, string? ns = null)
    {
        lock (_lock)
        {
            var list = new List<(TrafficSeries, string?, TrafficPoint[])>();
            foreach (var ((k, n), series) in _series)
            {
                if (k != kind || (name is not null && n != name)) continue;
                var seriesNs = k == TrafficKind.Namespace ? n : _namespaceOf.GetValueOrDefault(n);
                if (ns is not null && seriesNs != ns) continue;
                list.Add((series, seriesNs, series.Window(_tick)));
            }
            return (_tick, list);
        }
    }

    /// <summary>How many rings exist now (for /debug/vars).</summary>
    public int SeriesCount { get { lock (_lock) return _series.Count; } }
}
