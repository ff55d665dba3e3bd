namespace Edge.DataPlane.Middlewares;

/// <summary>
/// The waits between retries, as Traefik's retry.newBackOff with cenkalti/backoff's
/// ExponentialBackOff: the first wait is <c>initialInterval</c> randomised by ±50%, and each next
/// one grows by <c>2^(1/(attempts-1))</c>, so that the interval reaches twice the initial one by
/// the last attempt (capped at backoff's 60s MaxInterval). Without an initial interval (or with
/// fewer than two attempts) retries follow at once.
/// </summary>
internal sealed class RetryBackoff
{
    private const double RandomizationFactor = 0.5;
    private static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(60);
    private readonly double _multiplier;
    private readonly Func<double> _random;
    private double _currentTicks;

    public RetryBackoff(int attempts, TimeSpan initialInterval, Func<double>? random = null)
    {
        _random = random ?? Random.Shared.NextDouble;
        if (attempts < 2 || initialInterval <= TimeSpan.Zero) return;   // ZeroBackOff
        _currentTicks = initialInterval.Ticks;
        _multiplier = Math.Pow(2, 1.0 / (attempts - 1));
    }

    /// <summary>The wait before the next attempt.</summary>
    public TimeSpan Next()
    {
        if (_currentTicks == 0) return TimeSpan.Zero;
        // backoff's getRandomValueFromInterval: current ± factor·current, uniformly.
        double delta = RandomizationFactor * _currentTicks;
        double min = _currentTicks - delta, max = _currentTicks + delta;
        var wait = TimeSpan.FromTicks((long)(min + _random() * (max - min + 1)));
        _currentTicks = _currentTicks >= MaxInterval.Ticks / _multiplier ? MaxInterval.Ticks : _currentTicks * _multiplier;
        return wait;
    }
}
