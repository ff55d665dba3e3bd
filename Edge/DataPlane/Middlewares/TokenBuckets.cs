namespace Edge.DataPlane.Middlewares;

/// <summary>
/// One token bucket per source (Go's golang.org/x/time/rate Limiter: starts full at
/// <c>burst</c>, refills at <c>rate</c> tokens per second), kept in a bounded map as Traefik's
/// ttlmap does: a bucket unused for <c>ttl</c> seconds is forgotten (a returning source starts
/// full again), and at <see cref="Capacity"/> sources the one idle longest goes first. Idle
/// buckets are kept in least-recently-used order, so expiry and eviction are O(1).
/// </summary>
internal sealed class TokenBuckets(double rate, long burst, long maxDelayNs, long ttlNs, TimeProvider clock)
{
    /// <summary>Traefik's maxSources.</summary>
    public const int Capacity = 65536;

    private sealed class Bucket(string source)
    {
        public readonly string Source = source;
        public double Tokens;
        public long LastNs;
        public long ExpiresNs;
    }

    private readonly object _lock = new();
    private readonly Dictionary<string, LinkedListNode<Bucket>> _bySource = new(StringComparer.Ordinal);
    private readonly LinkedList<Bucket> _byUse = new();   // most recently used first

    public int Count { get { lock (_lock) return _bySource.Count; } }

    /// <summary>
    /// Takes a token for <paramref name="source"/>: the delay before the request may go on (0 when a
    /// token was there), or, when that delay would exceed maxDelay, the delay with no token taken
    /// (Traefik cancels the reservation) and <c>allowed</c> false.
    /// </summary>
    public long Take(string source, out bool allowed)
    {
        long now = NowNs();
        lock (_lock)
        {
            ForgetExpired(now);
            if (_bySource.TryGetValue(source, out var node)) _byUse.Remove(node);
            else
            {
                if (_bySource.Count >= Capacity) Forget(_byUse.Last!);
                node = new LinkedListNode<Bucket>(new Bucket(source) { Tokens = burst, LastNs = now });
                _bySource[source] = node;
            }
            _byUse.AddFirst(node);
            var b = node.Value;
            b.ExpiresNs = now + ttlNs;

            // Refill since the last use, never above burst.
            if (now > b.LastNs) b.Tokens = Math.Min(burst, b.Tokens + (now - b.LastNs) / 1e9 * rate);
            b.LastNs = Math.Max(b.LastNs, now);
            double after = b.Tokens - 1;
            long delay = after < 0 ? (long)(1e9 * (-after / rate)) : 0;
            allowed = delay <= maxDelayNs;
            if (allowed) b.Tokens = after;
            return delay;
        }
    }

    private void ForgetExpired(long now)
    {
        while (_byUse.Last is { } oldest && oldest.Value.ExpiresNs <= now) Forget(oldest);
    }

    private void Forget(LinkedListNode<Bucket> node)
    {
        _byUse.Remove(node);
        _bySource.Remove(node.Value.Source);
    }

    private readonly double _nsPerTick = 1e9 / clock.TimestampFrequency;

    private long NowNs() => (long)(clock.GetTimestamp() * _nsPerTick);
}
