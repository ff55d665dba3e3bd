using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// README "Prometheus metrics" options and series, scraped from artifacts/edge: byte counters,
/// process_* values, the entry point serving /metrics, addEntryPointsLabels and the buckets.
/// </summary>
[NotInParallel("edge-e2e")]
public class MetricsOptionsEndToEndTests
{
    private const string Svc = "default-whoami-80@kubernetes";

    private static async Task<DataPlaneFixture> StartAsync(params string[] extra)
    {
        var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80)),
            ["--metrics.prometheus=true", .. extra]);
        await f.WaitForRouteAsync("app.example.com", "/");
        return f;
    }

    /// <summary>The value of the series with exactly this name and label set; 0 when absent (a counter not yet created).</summary>
    private static double Value(string scrape, string series)
    {
        var line = scrape.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static double Required(string scrape, string series)
    {
        if (!scrape.Split('\n').Any(l => l.StartsWith(series + " ", StringComparison.Ordinal)))
            throw new InvalidOperationException($"no series {series} in:\n{scrape}");
        return Value(scrape, series);
    }

    /// <summary>The distinct <c>le</c> labels of one histogram's buckets, in the order written.</summary>
    private static string[] Buckets(string scrape, string histogram) =>
        Regex.Matches(scrape, "^" + Regex.Escape(histogram) + "_bucket\\{[^}]*le=\"([^\"]+)\"\\}", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Distinct().ToArray();

    /// <param name="chunked">Traefik counts the body bytes read, so a chunked body (no Content-Length) counts too.</param>
    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Request_and_response_byte_counters_count_body_bytes(bool chunked)
    {
        await using var f = await StartAsync("--metrics.prometheus.addRoutersLabels=true");
        var before = await f.Edge.GetStringAsync("/metrics");
        const int size = 12_345;
        using var post = new HttpRequestMessage(HttpMethod.Post, f.Edge.WebUrl + "/upload")
        {
            Headers = { Host = "app.example.com" },
            Content = chunked ? new ChunkedContent(new byte[size]) : new ByteArrayContent(new byte[size]),
        };
        using var r = await f.Edge.Http.SendAsync(post);
        var answer = await r.Content.ReadAsStringAsync();
        await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(answer).IsEqualTo(size.ToString(CultureInfo.InvariantCulture));   // the backend got every byte
        await Assert.That(post.Content.Headers.ContentLength is null).IsEqualTo(chunked);

        var after = await f.Edge.GetStringAsync("/metrics");
        var router = Regex.Match(after, "router=\"(default-app-[^\"]+@kubernetes)\"").Groups[1].Value;
        var labels = new[]
        {
            "code=\"200\",method=\"POST\",protocol=\"http\",entrypoint=\"web\"",
            $"code=\"200\",method=\"POST\",protocol=\"http\",router=\"{router}\",service=\"{Svc}\"",
            $"code=\"200\",method=\"POST\",protocol=\"http\",service=\"{Svc}\"",
        };
        foreach (var (scope, l) in new[] { "entrypoint", "router", "service" }.Zip(labels))
        {
            double Delta(string name) => Required(after, $"traefik_{scope}_{name}{{{l}}}") - Value(before, $"traefik_{scope}_{name}{{{l}}}");
            await Assert.That(Delta("requests_bytes_total")).IsEqualTo(size).Because(scope);
            await Assert.That(Delta("responses_bytes_total")).IsEqualTo(answer.Length).Because(scope);
        }
    }

    [Test]
    public async Task Process_cpu_and_virtual_memory_have_plausible_values()
    {
        await using var f = await StartAsync();
        for (int i = 0; i < 20; i++) using (await f.SendAsync("app.example.com", "/")) { }
        var s = await f.Edge.GetStringAsync("/metrics");
        var cpu = Required(s, "process_cpu_seconds_total");
        var started = Required(s, "process_start_time_seconds");
        var wall = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - started;
        // Starting a process, listing from the API server and serving requests costs CPU time, but
        // never more than all cores for the whole life of the process.
        await Assert.That(cpu).IsGreaterThan(0);
        await Assert.That(cpu).IsLessThanOrEqualTo(wall * Environment.ProcessorCount + 1);
        var virt = Required(s, "process_virtual_memory_bytes");
        var rss = Required(s, "process_resident_memory_bytes");
        await Assert.That(virt).IsGreaterThanOrEqualTo(rss);
        await Assert.That(virt).IsGreaterThan(10_000_000);
        await Assert.That(s).Contains("# TYPE process_cpu_seconds_total counter\n");
        await Assert.That(s).Contains("# TYPE process_virtual_memory_bytes gauge\n");
    }

    [Test]
    public async Task Metrics_entry_point_option_moves_metrics_off_the_traefik_entry_point()
    {
        var port = FreePort.Get();
        await using var f = await StartAsync($"--entrypoints.metrics.address=127.0.0.1:{port}", "--metrics.prometheus.entryPoint=metrics");
        using (await f.SendAsync("app.example.com", "/")) { }
        using (var there = await f.Edge.Http.GetAsync($"http://127.0.0.1:{port}/metrics"))
        {
            await Assert.That(there.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That(there.Content.Headers.ContentType?.MediaType).IsEqualTo("text/plain");
            var s = await there.Content.ReadAsStringAsync();
            await Assert.That(Required(s, "traefik_entrypoint_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"}")).IsGreaterThanOrEqualTo(1);
        }
        using var traefik = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/metrics");
        await Assert.That(traefik.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(await traefik.Content.ReadAsStringAsync()).DoesNotContain("traefik_");
    }

    [Test]
    public async Task Add_entry_points_labels_false_removes_the_entry_point_series()
    {
        await using (var on = await StartAsync())
        {
            using (await on.SendAsync("app.example.com", "/")) { }
            var s = await on.Edge.GetStringAsync("/metrics");
            await Assert.That(Required(s, "traefik_entrypoint_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"}")).IsGreaterThanOrEqualTo(1);
        }
        await using var off = await StartAsync("--metrics.prometheus.addEntryPointsLabels=false");
        using (await off.SendAsync("app.example.com", "/")) { }
        var t = await off.Edge.GetStringAsync("/metrics");
        await Assert.That(Regex.IsMatch(t, "^(# (HELP|TYPE) )?traefik_entrypoint_", RegexOptions.Multiline)).IsFalse().Because(t);
        // Only the entry-point series go: the service series of the same requests are there.
        await Assert.That(Required(t, $"traefik_service_requests_total{{code=\"200\",method=\"GET\",protocol=\"http\",service=\"{Svc}\"}}")).IsGreaterThanOrEqualTo(1);
    }

    [Test]
    public async Task Default_buckets_are_traefiks_and_the_buckets_option_replaces_them()
    {
        await using (var d = await StartAsync())
        {
            using (await d.SendAsync("app.example.com", "/")) { }
            var s = await d.Edge.GetStringAsync("/metrics");
            await Assert.That(Buckets(s, "traefik_service_request_duration_seconds")).IsEquivalentTo(["0.1", "0.3", "1.2", "5", "+Inf"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
            await Assert.That(Buckets(s, "traefik_entrypoint_request_duration_seconds")).IsEquivalentTo(["0.1", "0.3", "1.2", "5", "+Inf"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }
        await using var c = await StartAsync("--metrics.prometheus.buckets=0.005,0.05,0.5,2.5,10");
        using (await c.SendAsync("app.example.com", "/")) { }
        var t = await c.Edge.GetStringAsync("/metrics");
        await Assert.That(Buckets(t, "traefik_service_request_duration_seconds")).IsEquivalentTo(["0.005", "0.05", "0.5", "2.5", "10", "+Inf"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
