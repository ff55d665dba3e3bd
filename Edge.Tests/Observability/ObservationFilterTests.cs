using System.Diagnostics;
using Edge.Configuration;
using Edge.Observability;

namespace Edge.Tests.Observability;

/// <summary>Traefik's rules for which requests are metered and logged (observability manager, accesslog keepAccessLog).</summary>
public class ObservationFilterTests
{
    private static ObservedRequest Request(bool internalRouter = false, bool accessLogs = true, bool metrics = true, int retries = 0) =>
        new(Stream.Null) { Internal = internalRouter, AccessLogs = accessLogs, Metrics = metrics, RetryAttempts = retries };

    private static long Ms(int ms) => ms * Stopwatch.Frequency / 1000;

    [Test]
    public async Task Internal_routers_are_neither_logged_nor_metered_unless_addInternals()
    {
        var byDefault = new ObservationFilter(new AccessLogOptions(), new MetricsOptions());
        await Assert.That(byDefault.Logs(Request(internalRouter: true), 200, Ms(1))).IsFalse();
        await Assert.That(byDefault.Meters(Request(internalRouter: true))).IsFalse();
        await Assert.That(byDefault.Logs(Request(), 200, Ms(1))).IsTrue();
        await Assert.That(byDefault.Meters(Request())).IsTrue();

        var withInternals = new ObservationFilter(new AccessLogOptions { AddInternals = true }, new MetricsOptions { AddInternals = true });
        await Assert.That(withInternals.Logs(Request(internalRouter: true), 200, Ms(1))).IsTrue();
        await Assert.That(withInternals.Meters(Request(internalRouter: true))).IsTrue();
    }

    [Test]
    public async Task A_router_with_observability_off_is_not_logged_or_metered()
    {
        var filter = new ObservationFilter(new AccessLogOptions { AddInternals = true }, new MetricsOptions { AddInternals = true });
        await Assert.That(filter.Logs(Request(accessLogs: false), 500, Ms(1))).IsFalse();
        await Assert.That(filter.Meters(Request(metrics: false))).IsFalse();
        await Assert.That(filter.Logs(Request(metrics: false), 500, Ms(1))).IsTrue().Because("the two switches are separate");
    }

    [Test]
    [Arguments(200, 1, 0, false)]    // no filter matches: 200 is not in the ranges, not retried, fast
    [Arguments(404, 1, 0, true)]
    [Arguments(302, 1, 0, true)]
    [Arguments(303, 1, 0, false)]
    [Arguments(200, 1, 2, true)]     // retried
    [Arguments(200, 250, 0, true)]   // slower than minDuration
    [Arguments(200, 100, 0, false)]  // not slower than it
    public async Task Filters_keep_a_line_when_any_of_them_matches(int status, int ms, int retries, bool kept)
    {
        var filter = new ObservationFilter(new AccessLogOptions
        {
            FilterStatusCodes = [(404, 404), (300, 302)], FilterRetryAttempts = true, FilterMinDuration = TimeSpan.FromMilliseconds(200),
        });
        await Assert.That(filter.Logs(Request(retries: retries), status, Ms(ms))).IsEqualTo(kept);
    }

    [Test]
    public async Task No_filter_set_keeps_every_line()
    {
        var filter = new ObservationFilter(new AccessLogOptions());
        await Assert.That(filter.Logs(Request(), 503, 0)).IsTrue();
    }
}
