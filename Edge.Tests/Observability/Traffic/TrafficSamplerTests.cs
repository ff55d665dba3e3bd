using System.Diagnostics;
using Edge.Configuration;
using Edge.Observability.Metrics;
using Edge.Observability.Traffic;

namespace Edge.Tests.Observability.Traffic;

/// <summary>
/// The dashboard's live traffic: samples of the Prometheus cells, as the per-tick rate, 4xx/5xx
/// shares and histogram quantiles of the requests recorded between two samples; rings that exist
/// only for series with traffic, and a namespace series in tenancy mode.
/// </summary>
public class TrafficSamplerTests
{
    private static EdgeMetrics Metrics() => new(new MetricsOptions { AddRoutersLabels = true });

    private static void Requests(EdgeMetrics m, string router, string service, int n, int code, double seconds, string? ns = null)
    {
        for (int i = 0; i < n; i++)
            m.Record("web", router, service, code, "GET", "http", (long)(seconds * Stopwatch.Frequency), 0, 0, ns);
    }

    [Test]
    public async Task A_tick_holds_the_rate_and_shares_of_the_requests_since_the_previous_one()
    {
        var m = Metrics();
        var sampler = new TrafficSampler(m, TimeSpan.FromSeconds(2), slots: 10);
        Requests(m, "r@file", "s@file", 5, 200, 0.05);
        sampler.Sample();   // baseline: what happened before the sampler started is not a rate
        Requests(m, "r@file", "s@file", 14, 200, 0.05);
        Requests(m, "r@file", "s@file", 4, 404, 0.05);
        Requests(m, "r@file", "s@file", 2, 502, 2.0);
        sampler.Sample();

        var (_, series) = sampler.Read(TrafficKind.Router, "r@file");
        var last = series.Single().Points[^1];
        await Assert.That(last.Rate).IsEqualTo(10f).Because("20 requests in a 2 s interval");
        await Assert.That(last.Share4xx).IsEqualTo(0.2f);
        await Assert.That(last.Share5xx).IsEqualTo(0.1f);
        await Assert.That(last.P50).IsEqualTo((float)(0.1 * 10 / 18)).Because("rank 10 of 18 in the first bucket (0, 0.1]");
        await Assert.That(last.P99).IsEqualTo((float)(1.2 + (5.0 - 1.2) * (19.8 - 18) / 2));
        await Assert.That(series.Single().Points[^2].Rate).IsEqualTo(0f);
        await Assert.That(sampler.Read(TrafficKind.Service, "s@file").Series.Single().Series.Requests).IsEqualTo(20);

        sampler.Sample();
        await Assert.That(sampler.Read(TrafficKind.Router, "r@file").Series.Single().Points[^1].Rate).IsEqualTo(0f).Because("no request in the last tick");
    }

    [Test]
    public async Task Rings_exist_only_for_series_with_traffic_and_go_after_an_idle_window()
    {
        var m = Metrics();
        var sampler = new TrafficSampler(m, TimeSpan.FromSeconds(1), slots: 5, maxSeries: 2);
        sampler.Sample();
        Requests(m, "a@file", "s@file", 1, 200, 0.01);
        Requests(m, "b@file", "s@file", 1, 200, 0.01);
        sampler.Sample();
        await Assert.That(sampler.SeriesCount).IsEqualTo(2).Because("the cap: of the four series with traffic (entry point, two routers, service) only two get a ring");
        for (int i = 0; i < 5; i++) sampler.Sample();
        await Assert.That(sampler.SeriesCount).IsEqualTo(0);
        await Assert.That(sampler.MaxRingBytes).IsEqualTo(2L * 5 * TrafficSeries.BytesPerSlot);
    }

    [Test]
    public async Task Tenancy_mode_sums_each_namespace_and_filters_routers_by_it()
    {
        var m = Metrics();
        var sampler = new TrafficSampler(m, TimeSpan.FromSeconds(1), slots: 5);
        sampler.Sample();
        Requests(m, "team-a-x@kubernetes", "team-a-svc-80@kubernetes", 3, 200, 0.01, "team-a");
        Requests(m, "team-a-y@kubernetes", "team-a-other-80@kubernetes", 2, 500, 0.01, "team-a");
        Requests(m, "team-b-x@kubernetes", "team-b-svc-80@kubernetes", 7, 200, 0.01, "team-b");
        sampler.Sample();
        var namespaces = sampler.Read(TrafficKind.Namespace).Series.ToDictionary(s => s.Series.Name, s => s.Points[^1]);
        await Assert.That(namespaces["team-a"].Rate).IsEqualTo(5f);
        await Assert.That(namespaces["team-a"].Share5xx).IsEqualTo(0.4f);
        await Assert.That(namespaces["team-b"].Rate).IsEqualTo(7f);
        var teamA = sampler.Read(TrafficKind.Router, ns: "team-a").Series.Select(s => s.Series.Name).Order().ToList();
        await Assert.That(string.Join(",", teamA)).IsEqualTo("team-a-x@kubernetes,team-a-y@kubernetes");
    }

    [Test]
    public async Task Quantile_is_prometheus_histogram_quantile()
    {
        double[] bounds = [0.1, 0.3, 1.2, 5.0];
        await Assert.That(TrafficSampler.Quantile(0.5, [0, 10, 0, 0, 0], bounds)).IsEqualTo(0.2);
        await Assert.That(TrafficSampler.Quantile(0.99, [0, 0, 0, 0, 3], bounds)).IsEqualTo(5.0).Because("+Inf answers the largest bound");
        await Assert.That(TrafficSampler.Quantile(0.5, [0, 0, 0, 0, 0], bounds)).IsEqualTo(0.0);
    }
}
