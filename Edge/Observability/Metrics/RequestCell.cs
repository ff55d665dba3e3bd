using System.Diagnostics;

namespace Edge.Observability.Metrics;

/// <summary>
/// Counters of one label set: requests, request/response bytes, and a duration histogram. Updated
/// with Interlocked only, so concurrent requests never take a lock; a scrape may see a request
/// counted in one series and not yet in another, which Prometheus tolerates.
/// </summary>
public sealed class RequestCell(CellKey key, int buckets)
{
    public CellKey Key { get; } = key;
    /// <summary>When (Environment.TickCount64) the configuration stopped naming this cell's router or service; 0 while it names it.</summary>
    internal long RemovedAt;
    private long _count;
    private long _requestBytes;
    private long _responseBytes;
    private long _durationTicks;
    // Per-bucket (non-cumulative) counts; the last slot is +Inf. Cumulated at scrape time.
    private readonly long[] _buckets = new long[buckets + 1];

    public long Count => Volatile.Read(ref _count);
    public long RequestBytes => Volatile.Read(ref _requestBytes);
    public long ResponseBytes => Volatile.Read(ref _responseBytes);
    public double DurationSeconds => (double)Volatile.Read(ref _durationTicks) / Stopwatch.Frequency;
    public long Bucket(int i) => Volatile.Read(ref _buckets[i]);

    public void Record(long elapsedTicks, double seconds, double[] bounds, long requestBytes, long responseBytes)
    {
        Interlocked.Increment(ref _count);
        if (requestBytes > 0) Interlocked.Add(ref _requestBytes, requestBytes);
        if (responseBytes > 0) Interlocked.Add(ref _responseBytes, responseBytes);
        Interlocked.Add(ref _durationTicks, elapsedTicks);
        int i = 0;
        while (i < bounds.Length && seconds > bounds[i]) i++;
        Interlocked.Increment(ref _buckets[i]);
    }
}
