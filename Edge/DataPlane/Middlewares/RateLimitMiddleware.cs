using System.Globalization;
using Edge.GoCompat;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's rateLimit (in-memory): a token bucket per source of <c>burst</c> tokens refilled at
/// <c>average</c>/<c>period</c> per second. A request finding no token waits for one when the wait
/// is at most maxDelay (half the interval between tokens, 500ms below one request a second: Traefik's
/// traffic shaping); a longer wait is refused with 429, Retry-After (whole seconds, rounded up),
/// X-Retry-In (the wait as Go prints it) and the body "Too Many Requests". An average of 0 limits
/// nothing. As in Traefik, the buckets belong to one router's chain (<see cref="Wrap"/>) and start
/// over when the configuration is rebuilt.
/// </summary>
internal sealed class RateLimitMiddleware : HttpMiddleware
{
    private readonly RequestSource _source;
    private readonly double _rate;
    private readonly long _burst;
    private readonly long _maxDelayNs;
    private readonly long _ttlNs;
    private readonly TimeProvider _clock;
    private readonly Func<TimeSpan, CancellationToken, Task> _wait;

    /// <summary>The buckets of the chain wrapped last (for tests: memory stays bounded).</summary>
    internal TokenBuckets? LastBuckets { get; private set; }

    public RateLimitMiddleware(long average, long periodNs, long burst, RequestSource source,
        TimeProvider? clock = null, Func<TimeSpan, CancellationToken, Task>? wait = null)
    {
        _source = source;
        _burst = Math.Max(burst, 1);
        _clock = clock ?? TimeProvider.System;
        _wait = wait ?? ((d, ct) => Task.Delay(d, _clock, ct));
        _rate = average > 0 ? average * (double)GoDuration.Second / periodNs : double.PositiveInfinity;
        if (average > 0)
            _maxDelayNs = _rate < 1 ? 500_000_000 : GoDuration.Second / ((long)_rate * 2);
        // Traefik: a bucket lives one second longer than the time a maxed-out source takes to see activity.
        long ttlSeconds = _rate >= 1 ? 2 : 1 + (long)(1 / _rate);
        _ttlNs = ttlSeconds * GoDuration.Second;
    }

    public override ProxyHandler Wrap(ProxyHandler next)
    {
        if (double.IsPositiveInfinity(_rate)) return next;
        var buckets = LastBuckets = new TokenBuckets(_rate, _burst, _maxDelayNs, _ttlNs, _clock);
        return async r =>
        {
            long delayNs = buckets.Take(_source.Of(r), out var allowed);
            if (!allowed)
            {
                var headers = r.Context.Response.Headers;
                headers["Retry-After"] = Math.Ceiling(delayNs / 1e9).ToString("F0", CultureInfo.InvariantCulture);
                headers["X-Retry-In"] = GoDuration.Format(delayNs);
                r.Context.Response.StatusCode = 429;
                r.Context.Response.ContentType = "text/plain; charset=utf-8";
                await r.Context.Response.WriteAsync("Too Many Requests");
                return;
            }
            if (delayNs > 0)
            {
                try { await _wait(TimeSpan.FromTicks(delayNs / 100), r.Context.RequestAborted); }
                catch (OperationCanceledException)
                {
                    await Answer(r.Context, 500, "context canceled");
                    return;
                }
            }
            await next(r);
        };
    }
}
