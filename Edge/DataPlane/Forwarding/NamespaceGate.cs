using System.Diagnostics;
using Edge.Model;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// One namespace's request limits (tenancy mode): a token bucket for the rate and a counter for the
/// requests in flight. A request over either limit is refused at once (429 or 503) so that a flooding
/// tenant spends almost nothing of the proxy that other tenants share. Gates outlive configuration
/// reloads while their limits are unchanged, so a reload never refills a bucket or forgets the
/// requests in flight.
/// </summary>
public sealed class NamespaceGate
{
    private readonly object _lock = new();
    private readonly double _ticksPerToken;
    private readonly long _burstTicks;
    private long _emptyAt;      // Stopwatch timestamp at which the bucket would hold zero tokens (GCRA form)
    private int _inFlight;

    public NamespaceGate(string ns, NamespaceLimits limits)
    {
        Namespace = ns;
        Limits = limits;
        if (limits.RateAverage > 0)
        {
            _ticksPerToken = (double)Stopwatch.Frequency / limits.RateAverage;
            _burstTicks = (long)(_ticksPerToken * Math.Max(1, limits.RateBurst));
        }
        _emptyAt = Stopwatch.GetTimestamp() - _burstTicks;   // starts full
    }

    public string Namespace { get; }
    public NamespaceLimits Limits { get; }
    public int InFlight => Volatile.Read(ref _inFlight);

    public enum Verdict { Admitted, RateLimited, TooManyInFlight }

    /// <summary>Admits a request (then <see cref="Exit"/> must follow) or says which limit refused it.</summary>
    public Verdict TryEnter()
    {
        if (Limits.RateAverage > 0 && !TakeToken()) return Verdict.RateLimited;
        if (Limits.MaxConcurrent > 0)
        {
            if (Interlocked.Increment(ref _inFlight) > Limits.MaxConcurrent)
            {
                Interlocked.Decrement(ref _inFlight);
                return Verdict.TooManyInFlight;
            }
        }
        return Verdict.Admitted;
    }

    public void Exit()
    {
        if (Limits.MaxConcurrent > 0) Interlocked.Decrement(ref _inFlight);
    }

    // Generic cell rate algorithm: the bucket is one timestamp, so taking a token is a compare and
    // an add under a lock held for nanoseconds.
    private bool TakeToken()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            long floor = now - _burstTicks;
            long start = _emptyAt < floor ? floor : _emptyAt;
            long next = start + (long)_ticksPerToken;
            if (next > now) return false;
            _emptyAt = next;
            return true;
        }
    }
}
