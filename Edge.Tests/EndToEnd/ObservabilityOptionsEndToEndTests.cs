using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Which requests artifacts/edge logs and counts, as a Traefik user configures it: internal routers
/// (the /ping a kubelet probes every few seconds) stay out of access logs and metrics unless
/// addInternals; accessLog.filters keep only the lines asked for; a router annotated
/// observability.accesslogs=false / metrics=false is left out.
/// </summary>
[NotInParallel("edge-e2e")]
public class ObservabilityOptionsEndToEndTests
{
    private static async Task<(DataPlaneFixture F, string Log)> StartAsync(params string[] args)
    {
        var log = Path.Combine(Directory.CreateTempSubdirectory("edge-obs-").FullName, "access.log");
        var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/app", "whoami", 80));
            api.Upsert(K8s.Ingress("default", "quiet", "app.example.com", "/quiet", "whoami", 80, annotations: new Dictionary<string, string>
            {
                ["traefik.ingress.kubernetes.io/router.observability.accesslogs"] = "false",
                ["traefik.ingress.kubernetes.io/router.observability.metrics"] = "false",
            }));
        }, [$"--accesslog.filePath={log}", "--metrics.prometheus=true", "--metrics.prometheus.addRoutersLabels=true", .. args]);
        await f.WaitForRouteAsync("app.example.com", "/app");
        await f.WaitForRouteAsync("app.example.com", "/quiet");
        return (f, log);
    }

    private static string[] Lines(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToArray() : [];

    /// <summary>One writer drains the queue in order: once the marker's line is written, every earlier line is too.</summary>
    private static async Task<string[]> LinesUpToAsync(DataPlaneFixture f, string log, string marker)
    {
        using (var r = await f.SendAsync("app.example.com", marker)) await Assert.That((int)r.StatusCode).IsEqualTo(200);
        await Eventually.UntilAsync(() => Lines(log).Any(l => l.Contains(marker)), TimeSpan.FromSeconds(10), $"no line for {marker} in {log}");
        return Lines(log);
    }

    [Test]
    public async Task Ping_and_unlogged_routers_stay_out_of_the_access_log_and_metrics_by_default()
    {
        var (f, log) = await StartAsync();
        await using var _ = f;
        for (int i = 0; i < 3; i++) await f.Edge.PingStatusAsync();
        using (var q = await f.SendAsync("app.example.com", "/quiet/one")) await Assert.That((int)q.StatusCode).IsEqualTo(200);
        var lines = await LinesUpToAsync(f, log, "/app/marker");
        await Assert.That(lines.Any(l => l.Contains("/ping"))).IsFalse().Because("accessLog.addInternals is false by default");
        await Assert.That(lines.Any(l => l.Contains("/quiet"))).IsFalse().Because("router.observability.accesslogs=false");

        var metrics = await f.Edge.GetStringAsync("/metrics");
        await Assert.That(metrics).DoesNotContain("protocol=\"http\",entrypoint=\"traefik\"").Because("metrics.addInternals is false by default");
        await Assert.That(metrics).DoesNotContain("router=\"default-quiet-app-example-com-quiet@kubernetes\"");
        await Assert.That(metrics).Contains("router=\"default-app-app-example-com-app@kubernetes\"");
    }

    [Test]
    public async Task AddInternals_logs_and_counts_the_ping()
    {
        var (f, log) = await StartAsync("--accesslog.addInternals=true", "--metrics.addInternals=true");
        await using var _ = f;
        await f.Edge.PingStatusAsync();
        var lines = await LinesUpToAsync(f, log, "/app/marker");
        await Assert.That(lines.Any(l => l.Contains("\"GET /ping HTTP/1.1\" 200"))).IsTrue();
        await Assert.That(await f.Edge.GetStringAsync("/metrics")).Contains("protocol=\"http\",entrypoint=\"traefik\"");
    }

    [Test]
    public async Task Status_code_filters_keep_only_the_matching_lines()
    {
        var (f, log) = await StartAsync("--accesslog.filters.statusCodes=404,500-599");
        await using var _ = f;
        using (var ok = await f.SendAsync("app.example.com", "/app/ok")) await Assert.That((int)ok.StatusCode).IsEqualTo(200);
        using (var missing = await f.SendAsync("nowhere.example.com", "/missing")) await Assert.That((int)missing.StatusCode).IsEqualTo(404);
        await Eventually.UntilAsync(() => Lines(log).Any(l => l.Contains("/missing")), TimeSpan.FromSeconds(10), "the 404 is logged");
        // Lines are written in order: the 200 came first, so it would be there by now.
        await Assert.That(Lines(log).Any(l => l.Contains("/app/ok"))).IsFalse();
    }
}
