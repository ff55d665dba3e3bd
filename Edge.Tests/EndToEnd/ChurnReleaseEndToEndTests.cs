using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Issue 22: what Edge keeps between configurations is released when the configuration no longer
/// names it. Routers with many distinct names are created, changed, served and deleted through the
/// fake API server; afterwards the compiled-rule cache and the metric cells (/debug/vars) and the
/// router/service series of /metrics are back to their baseline, as Traefik deletes the series of
/// removed routers and services after the next scrape.
/// </summary>
[NotInParallel("edge-e2e")]
public class ChurnReleaseEndToEndTests
{
    [Test]
    [Timeout(120_000)]
    public async Task Caches_and_metric_series_return_to_baseline_after_router_churn(CancellationToken ct)
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "stable", "stable.example.com", "/", "whoami", 80)),
            "--api.debug", "--metrics.prometheus", "--metrics.prometheus.addRoutersLabels");
        await f.WaitForRouteAsync("stable.example.com", "/");
        using (var r = await f.SendAsync("stable.example.com", "/")) await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
        // An unrouted request too: its entry-point cell (code 404) is part of the baseline, as the
        // 404 checked after the deletions would add it otherwise.
        using (var r = await f.SendAsync("unknown.example.com", "/")) await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Scrape(f);   // the baseline: the stable router's series only
        var rules0 = await Var(f, "ruleCacheEntries");
        var cells0 = await Var(f, "metricCells");
        var series0 = RouterSeries(await Scrape(f));
        await Assert.That(series0.Count).IsEqualTo(1);

        const int n = 40;
        for (int i = 0; i < n; i++)
        {
            f.Api.Upsert(K8s.Ingress("default", $"churn-{i}", $"churn{i}.example.com", "/a", "whoami", 80));
            await f.WaitForRouteAsync($"churn{i}.example.com", "/a");
            // A change: the same Ingress, another path (a new router name and rule).
            f.Api.Upsert(K8s.Ingress("default", $"churn-{i}", $"churn{i}.example.com", "/b", "whoami", 80));
            await f.WaitForRouteAsync($"churn{i}.example.com", "/b");
        }
        var during = await Var(f, "ruleCacheEntries");
        var seriesDuring = RouterSeries(await Scrape(f));
        await Assert.That(during).IsGreaterThanOrEqualTo(rules0 + n);
        await Assert.That(seriesDuring.Count).IsGreaterThanOrEqualTo(1 + n);

        for (int i = 0; i < n; i++) f.Api.Delete<k8s.Models.V1Ingress>("default", $"churn-{i}");
        await f.Edge.WaitForRawDataAsync(r => !r.Contains("churn-"));
        using (var gone = await f.SendAsync($"churn{n - 1}.example.com", "/b")) await Assert.That(gone.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        // One scrape still shows the removed routers' last counts (Traefik's Collect); the next does not.
        await Scrape(f);
        var after = RouterSeries(await Scrape(f));
        await Assert.That(after).IsEquivalentTo(series0);
        await Assert.That(await Var(f, "ruleCacheEntries")).IsEqualTo(rules0);
        await Assert.That(await Var(f, "metricCells")).IsEqualTo(cells0);
    }

    private static async Task<string> Scrape(DataPlaneFixture f) => await f.Edge.Http.GetStringAsync(f.Edge.ApiUrl + "/metrics");

    /// <summary>The distinct router label values of traefik_router_requests_total.</summary>
    private static List<string> RouterSeries(string metrics) =>
        Regex.Matches(metrics, "^traefik_router_requests_total\\{[^}]*router=\"([^\"]+)\"", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal).ToList();

    private static async Task<long> Var(DataPlaneFixture f, string name)
    {
        using var doc = JsonDocument.Parse(await f.Edge.Http.GetStringAsync(f.Edge.ApiUrl + "/debug/vars"));
        return doc.RootElement.GetProperty("edge").GetProperty(name).GetInt64();
    }
}
