namespace Edge.Observability.Traffic;

/// <summary>What a series describes: one router, service, entry point, or (tenancy mode) namespace.</summary>
public enum TrafficKind : byte { EntryPoint, Router, Service, Namespace }

/// <summary>One sample interval of one series, derived from the deltas of the Prometheus counters.</summary>
public readonly record struct TrafficPoint(float Rate, float Share4xx, float Share5xx, float P50, float P99, float Mean);

/// <summary>
/// The last <c>slots</c> points of one series in a fixed ring (24 bytes a slot, allocated once):
/// slot <c>tick % slots</c> holds the sample of that tick, so every series is aligned on the
/// sampler's clock and a series that saw no request in a tick has a zero point there.
/// </summary>
public sealed class TrafficSeries(TrafficKind kind, string name, int slots)
{
    private readonly TrafficPoint[] _points = new TrafficPoint[slots];

    public TrafficKind Kind { get; } = kind;
    public string Name { get; } = name;
    /// <summary>The last tick with any request; the sampler drops a series idle for a whole window.</summary>
    public long LastActiveTick { get; private set; } = -1;
    public long Requests;   // in the window (maintained as points enter and leave)
    private readonly long[] _counts = new long[slots];

    public const int BytesPerSlot = 24 + 8;

    public void Write(long tick, long requests, in TrafficPoint point)
    {
        int i = (int)(tick % _points.Length);
        Requests += requests - _counts[i];
        _counts[i] = requests;
        _points[i] = point;
        if (requests > 0) LastActiveTick = tick;
    }

    /// <summary>The points of ticks <paramref name="lastTick"/>-slots+1 .. lastTick, oldest first (before the series existed: zero).</summary>
    public TrafficPoint[] Window(long lastTick)
    {
        var result = new TrafficPoint[_points.Length];
        for (int k = 0; k < _points.Length; k++)
        {
            long tick = lastTick - _points.Length + 1 + k;
            if (tick < 0) continue;
            result[k] = _points[(int)(tick % _points.Length)];
        }
        return result;
    }
}
