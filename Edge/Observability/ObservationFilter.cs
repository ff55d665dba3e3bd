using System.Diagnostics;
using Edge.Configuration;

namespace Edge.Observability;

/// <summary>
/// Which requests reach the metrics and the access log, as Traefik's observability manager and
/// access-log handler decide: requests served by internal routers only with <c>addInternals</c>;
/// a router (or its entry point) with <c>observability.accessLogs/metrics: false</c> not at all; and
/// <c>accessLog.filters</c> keep a line when any filter set matches (none set: every line).
/// </summary>
public sealed class ObservationFilter(AccessLogOptions? accessLog = null, MetricsOptions? metrics = null)
{
    private readonly bool _logInternals = accessLog?.AddInternals ?? false;
    private readonly bool _meterInternals = metrics?.AddInternals ?? false;
    private readonly (int From, int To)[] _statusCodes = [.. accessLog?.FilterStatusCodes ?? []];
    private readonly bool _retryAttempts = accessLog?.FilterRetryAttempts ?? false;
    private readonly long _minDurationTicks = (long)((accessLog?.FilterMinDuration ?? TimeSpan.Zero).TotalSeconds * Stopwatch.Frequency);

    public bool Meters(ObservedRequest r) => r.Metrics && (!r.Internal || _meterInternals);

    /// <param name="elapsed">Stopwatch ticks the request took.</param>
    public bool Logs(ObservedRequest r, int status, long elapsed)
    {
        if (!r.AccessLogs || r.Internal && !_logInternals) return false;
        if (_statusCodes.Length == 0 && !_retryAttempts && _minDurationTicks == 0) return true;
        foreach (var (from, to) in _statusCodes)
            if (status >= from && status <= to) return true;
        if (_retryAttempts && r.RetryAttempts > 0) return true;
        return _minDurationTicks > 0 && elapsed > _minDurationTicks;
    }
}
