using Edge.GoCompat;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Health;

/// <summary>
/// A load balancer's <c>healthCheck</c> read with Traefik's rules (NewServiceHealthChecker): an
/// interval or timeout that is not positive falls back to the default (30s, 5s) with an error
/// logged; without unhealthyInterval, unhealthy servers are checked as often as healthy ones.
/// </summary>
public sealed record HealthCheckSettings(
    bool Grpc, string? Scheme, string Path, string Method, int Status, int Port,
    TimeSpan Interval, TimeSpan UnhealthyInterval, TimeSpan Timeout,
    string? Hostname, bool FollowRedirects, IReadOnlyDictionary<string, string> Headers)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static HealthCheckSettings From(ServerHealthCheck hc, string service)
    {
        var interval = Duration(hc.Interval, DefaultInterval, DefaultInterval, "interval", service);
        var unhealthy = hc.UnhealthyInterval is null ? interval : Duration(hc.UnhealthyInterval, DefaultInterval, DefaultInterval, "unhealthy interval", service);
        var timeout = Duration(hc.Timeout, DefaultTimeout, DefaultTimeout, "timeout", service);
        return new HealthCheckSettings(
            string.Equals(hc.Mode, "grpc", StringComparison.Ordinal), string.IsNullOrEmpty(hc.Scheme) ? null : hc.Scheme,
            hc.Path ?? "", string.IsNullOrEmpty(hc.Method) ? "GET" : hc.Method, hc.Status, hc.Port,
            interval, unhealthy, timeout, string.IsNullOrEmpty(hc.Hostname) ? null : hc.Hostname, hc.FollowRedirects ?? true,
            hc.Headers is null ? new Dictionary<string, string>() : new Dictionary<string, string>(hc.Headers));
    }

    /// <summary>paerser's Duration (a bare number is seconds); unset: the default; not positive: the default, logged as Traefik does.</summary>
    private static TimeSpan Duration(string? text, TimeSpan unset, TimeSpan fallback, string what, string service)
    {
        if (string.IsNullOrEmpty(text)) return unset;
        if (GoDuration.TryParse(text, out var ns) && ns > 0) return TimeSpan.FromTicks(ns / 100);
        Log.Error($"Health check {what} smaller than zero, default value will be used instead.", ("service", service), ("value", text));
        return fallback;
    }
}
