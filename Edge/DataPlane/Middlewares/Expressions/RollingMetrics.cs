namespace Edge.DataPlane.Middlewares.Expressions;

/// <summary>
/// What a circuit breaker's expression reads, as oxy's memmetrics.RTMetrics: over a rolling window
/// of ten one-second buckets, the requests, the network errors among them (answers 502 and 504),
/// the count per status code, and the latencies (milliseconds, kept to two significant digits as
/// oxy's HDR histogram does). Thread-safe by one lock: recording is a few array increments.
/// </summary>
internal sealed class RollingMetrics(TimeProvider clock)
{
    private const int Buckets = 10;
    private static readonly long BucketTicks = TimeSpan.TicksPerSecond;
    private readonly Bucket[] _buckets = Enumerable.Range(0, Buckets).Select(_ => new Bucket()).ToArray();
    private readonly object _lock = new();

    private sealed class Bucket
    {
        public long Second = long.MinValue;
        public long Total, NetErrors;
        public readonly long[] Codes = new long[600];
        public readonly long[] Latency = new long[LatencyScale.Slots];

        public void Clear(long second)
        {
            Second = second;
            Total = NetErrors = 0;
            Array.Clear(Codes);
            Array.Clear(Latency);
        }
    }

    private long NowSecond => clock.GetUtcNow().UtcTicks / BucketTicks;

    public void Record(int code, TimeSpan latency)
    {
        long second = NowSecond;
        lock (_lock)
        {
            var b = _buckets[(int)(second % Buckets)];
            if (b.Second != second) b.Clear(second);
            b.Total++;
            if (code is 502 or 504) b.NetErrors++;
            if (code is >= 0 and < 600) b.Codes[code]++;
            b.Latency[LatencyScale.Slot((long)latency.TotalMilliseconds)]++;
        }
    }

    public void Reset()
    {
        lock (_lock) foreach (var b in _buckets) b.Clear(long.MinValue);
    }

    private IEnumerable<Bucket> Live()
    {
        long now = NowSecond;
        foreach (var b in _buckets) if (b.Second > now - Buckets && b.Second <= now) yield return b;
    }

    /// <summary>oxy's NetworkErrorRatio: network errors over requests; 0 without requests.</summary>
    public double NetworkErrorRatio()
    {
        lock (_lock)
        {
            long total = 0, errors = 0;
            foreach (var b in Live()) { total += b.Total; errors += b.NetErrors; }
            return total == 0 ? 0 : (double)errors / total;
        }
    }

    /// <summary>oxy's ResponseCodeRatio: answers with a code in [startA, endA) over those in [startB, endB); 0 when the latter are none.</summary>
    public double ResponseCodeRatio(int startA, int endA, int startB, int endB)
    {
        lock (_lock)
        {
            long a = 0, b = 0;
            foreach (var bucket in Live())
                for (int code = 0; code < bucket.Codes.Length; code++)
                {
                    long n = bucket.Codes[code];
                    if (n == 0) continue;
                    if (code >= startA && code < endA) a += n;
                    if (code >= startB && code < endB) b += n;
                }
            return b == 0 ? 0 : (double)a / b;
        }
    }

    /// <summary>oxy's LatencyAtQuantileMS: the latency (whole milliseconds) below which <paramref name="percent"/>% of the requests fall.</summary>
    public long LatencyAtQuantileMs(double percent)
    {
        lock (_lock)
        {
            var merged = new long[LatencyScale.Slots];
            long total = 0;
            foreach (var b in Live())
                for (int i = 0; i < merged.Length; i++) { merged[i] += b.Latency[i]; total += b.Latency[i]; }
            if (total == 0) return 0;
            // HDR's ValueAtPercentile: the first value whose cumulative count reaches the percentile.
            long wanted = Math.Max(1, (long)Math.Ceiling(Math.Clamp(percent, 0, 100) / 100 * total));
            long seen = 0;
            for (int i = 0; i < merged.Length; i++)
            {
                seen += merged[i];
                if (seen >= wanted) return LatencyScale.Value(i);
            }
            return LatencyScale.Value(merged.Length - 1);
        }
    }
}

/// <summary>Milliseconds to two significant digits: 0–99 exactly, then 90 slots per decade up to an hour (HDR's 1..3600000 range).</summary>
internal static class LatencyScale
{
    private const int Decades = 6;   // 100ms .. 10^8 ms
    public const int Slots = 100 + 90 * Decades;

    public static int Slot(long ms)
    {
        if (ms < 100) return (int)Math.Max(0, ms);
        int decade = 0;
        long v = ms;
        while (v >= 100 && decade < Decades) { v /= 10; decade++; }
        if (v >= 100) return Slots - 1;
        return 100 + (decade - 1) * 90 + (int)(v - 10);
    }

    public static long Value(int slot)
    {
        if (slot < 100) return slot;
        int decade = (slot - 100) / 90 + 1;
        long mantissa = (slot - 100) % 90 + 10;
        return mantissa * (long)Math.Pow(10, decade);
    }
}
