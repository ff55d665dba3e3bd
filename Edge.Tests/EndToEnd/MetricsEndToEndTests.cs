using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>/metrics scraped from artifacts/edge after real traffic: Traefik's names, labels and counts.</summary>
[NotInParallel("edge-e2e")]
public class MetricsEndToEndTests
{
    private static readonly string[] MetricsArgs =
        ["--metrics.prometheus=true", "--metrics.prometheus.addRoutersLabels=true", "--metrics.prometheus.buckets=0.1,0.3,1.2,5.0"];

    private static async Task<(DataPlaneFixture F, string Router)> StartAsync(params string[] extra)
    {
        var cert = TlsEndToEndTests.SelfSigned("secure.example.com", "secure.example.com", "www.secure.example.com");
        var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/api", "whoami", 80));
            api.Upsert(TlsEndToEndTests.TlsSecret("default", "secure-cert", cert));
            api.Upsert(K8s.Ingress("default", "secure", "secure.example.com", "/", "whoami", 80, secret: "secure-cert",
                annotations: new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.tls"] = "true" }));
        }, [.. MetricsArgs, .. extra]);
        await f.WaitForRouteAsync("app.example.com", "/api");
        await Eventually.UntilAsync(async () => { var (r, _) = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "secure.example.com", "/ready"); using (r) return r.StatusCode == System.Net.HttpStatusCode.OK; },
            TimeSpan.FromSeconds(10), () => "secure.example.com never served over TLS:\n" + f.Edge.Output);
        var routers = JsonNode.Parse(await f.Edge.GetStringAsync("/api/http/routers"))!.AsArray();
        var router = routers.Select(r => (string)r!["name"]!).Single(n => n.StartsWith("default-app-", StringComparison.Ordinal));
        return (f, router);
    }

    /// <summary>The value of the one series whose name and labels are exactly these.</summary>
    private static double Value(string scrape, string series)
    {
        var line = scrape.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no series {series} in:\n{scrape}");
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Test]
    public async Task Router_service_and_entrypoint_counters_count_real_requests()
    {
        var (f, router) = await StartAsync();
        await using var _ = f;
        var before = await f.Edge.GetStringAsync("/metrics");
        for (int i = 0; i < 5; i++)
            using (var r = await f.SendAsync("app.example.com", "/api/x")) await Assert.That((int)r.StatusCode).IsEqualTo(200);
        using (var miss = await f.SendAsync("nowhere.example.com", "/")) await Assert.That((int)miss.StatusCode).IsEqualTo(404);

        var s = await f.Edge.GetStringAsync("/metrics");
        const string svc = "default-whoami-80@kubernetes";
        await Assert.That(router).EndsWith("@kubernetes");
        // WaitForRoute's own successful request was counted before the first scrape: compare deltas.
        double Delta(string series) => Value(s, series) - Value(before, series);
        await Assert.That(Delta($"traefik_router_requests_total{{code=\"200\",method=\"GET\",protocol=\"http\",router=\"{router}\",service=\"{svc}\"}}")).IsEqualTo(5);
        await Assert.That(Delta($"traefik_service_requests_total{{code=\"200\",method=\"GET\",protocol=\"http\",service=\"{svc}\"}}")).IsEqualTo(5);
        await Assert.That(Delta($"traefik_service_request_duration_seconds_count{{code=\"200\",method=\"GET\",protocol=\"http\",service=\"{svc}\"}}")).IsEqualTo(5);
        await Assert.That(Delta($"traefik_service_request_duration_seconds_bucket{{code=\"200\",method=\"GET\",protocol=\"http\",service=\"{svc}\",le=\"+Inf\"}}")).IsEqualTo(5);
        await Assert.That(Value(s, $"traefik_service_responses_bytes_total{{code=\"200\",method=\"GET\",protocol=\"http\",service=\"{svc}\"}}")).IsGreaterThan(5 * 20);
        await Assert.That(Delta("traefik_entrypoint_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"}")).IsEqualTo(5);
        await Assert.That(Value(s, "traefik_entrypoint_requests_total{code=\"404\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"}")).IsGreaterThanOrEqualTo(1);
        await Assert.That(Value(s, "traefik_config_reloads_total")).IsGreaterThanOrEqualTo(1);
        var lastReload = Value(s, "traefik_config_last_reload_success");
        await Assert.That(Math.Abs(lastReload - DateTimeOffset.UtcNow.ToUnixTimeSeconds())).IsLessThan(120);
        // The scrape's own connection is open while it is being served.
        await Assert.That(Value(s, "traefik_open_connections{entrypoint=\"traefik\",protocol=\"TCP\"}")).IsGreaterThanOrEqualTo(1);
        var cert = s.Split('\n').Single(l => l.StartsWith("traefik_tls_certs_not_after{", StringComparison.Ordinal));
        await Assert.That(cert).Contains("cn=\"secure.example.com\"");
        await Assert.That(cert).Contains("sans=\"secure.example.com,www.secure.example.com\"");
        var notAfter = double.Parse(cert.Split(' ')[1]);
        await Assert.That(notAfter - DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds()).IsBetween(-120, 120);
        var rss = Value(s, "process_resident_memory_bytes");
        await Assert.That(rss).IsBetween(1_000_000, 2_000_000_000);
        await Assert.That(Value(s, "process_open_fds")).IsGreaterThan(3);
        await Assert.That(Math.Abs(Value(s, "process_start_time_seconds") - DateTimeOffset.UtcNow.ToUnixTimeSeconds())).IsLessThan(300);
    }

    [Test]
    public async Task Scrape_passes_promtool_check_metrics()
    {
        var (f, _) = await StartAsync();
        await using var _f = f;
        for (int i = 0; i < 3; i++) using (await f.SendAsync("app.example.com", "/api")) { }
        // TLS and header-labelled series are in the scrape promtool checks too.
        var (tlsResponse, _) = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "secure.example.com");
        tlsResponse.Dispose();
        var scrape = await f.Edge.GetStringAsync("/metrics");
        await Assert.That(scrape).Contains("traefik_entrypoint_requests_tls_total{");
        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            Skip.Test("promtool not installed (apt-get install prometheus); .ci/run installs it");
            return;
        }
        var psi = new ProcessStartInfo(promtool, "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(scrape);
        p.StandardInput.Close();
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        // promtool exits 0 only when the text parses; lint problems are printed (and fail the run) too.
        await Assert.That(output.Trim()).IsEmpty();
        await Assert.That(p.ExitCode).IsEqualTo(0);
    }

    [Test]
    public async Task Tls_requests_are_counted_by_version_and_cipher_per_entrypoint_router_and_service()
    {
        var (f, _) = await StartAsync();
        await using var _f = f;
        var before = await f.Edge.GetStringAsync("/metrics");
        for (int i = 0; i < 3; i++)
        {
            var (r, _) = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "secure.example.com");
            using (r) await Assert.That((int)r.StatusCode).IsEqualTo(200);
        }
        using (await f.SendAsync("app.example.com", "/api")) { }   // plain HTTP: not a TLS request
        var s = await f.Edge.GetStringAsync("/metrics");
        var routers = JsonNode.Parse(await f.Edge.GetStringAsync("/api/http/routers"))!.AsArray();
        var secure = routers.Select(r => (string)r!["name"]!).Single(n => n.StartsWith("default-secure-", StringComparison.Ordinal));
        // One TLS 1.3 suite (which one OpenSSL picks is its choice), with Traefik's names.
        static (string Labels, double Value) One(string scrape, string family, string scope)
        {
            var line = scrape.Split('\n').Single(l => l.StartsWith(family + "{", StringComparison.Ordinal) && l.Contains(scope, StringComparison.Ordinal));
            var close = line.LastIndexOf('}');
            return (line[(family.Length + 1)..close], double.Parse(line[(close + 2)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        var tlsLabels = new Regex("^tls_cipher=\"TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)\",tls_version=\"1\\.3\",");
        const string svc = "default-whoami-80@kubernetes";
        foreach (var (family, scope) in new[]
                 {
                     ("traefik_entrypoint_requests_tls_total", "entrypoint=\"web\""),
                     ("traefik_router_requests_tls_total", $"router=\"{secure}\",service=\"{svc}\""),
                     ("traefik_service_requests_tls_total", $"service=\"{svc}\""),
                 })
        {
            var (labels, value) = One(s, family, scope);
            await Assert.That(tlsLabels.IsMatch(labels)).IsTrue().Because(labels);
            await Assert.That(labels).EndsWith(scope);
            // StartAsync's readiness probe was a TLS request too: count from the scrape before.
            await Assert.That(value - One(before, family, scope).Value).IsEqualTo(3);
        }
        // The plain HTTP router has no TLS series.
        await Assert.That(s.Split('\n').Any(l => l.StartsWith("traefik_router_requests_tls_total{", StringComparison.Ordinal) && l.Contains("router=\"default-app-", StringComparison.Ordinal))).IsFalse();
    }

    [Test]
    public async Task Header_labels_split_the_request_counters_and_a_bad_label_name_stops_the_start()
    {
        var (f, router) = await StartAsync("--metrics.prometheus.headerLabels.useragent=User-Agent", "--metrics.prometheus.headerLabels.host=Host");
        await using var _f = f;
        foreach (var agent in new[] { "foobar", "foobar", "other" })
        {
            using var req = f.Get("app.example.com", "/api");
            req.Headers.UserAgent.ParseAdd(agent);
            using (await f.Edge.Http.SendAsync(req)) { }
        }
        var s = await f.Edge.GetStringAsync("/metrics");
        const string svc = "default-whoami-80@kubernetes";
        // Go keeps Host out of the header map: Traefik's "host" label is always empty.
        await Assert.That(Value(s, $"traefik_service_requests_total{{code=\"200\",method=\"GET\",protocol=\"http\",service=\"{svc}\",host=\"\",useragent=\"foobar\"}}")).IsEqualTo(2);
        await Assert.That(Value(s, $"traefik_router_requests_total{{code=\"200\",method=\"GET\",protocol=\"http\",router=\"{router}\",service=\"{svc}\",host=\"\",useragent=\"other\"}}")).IsEqualTo(1);
        await Assert.That(Value(s, "traefik_entrypoint_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\",host=\"\",useragent=\"foobar\"}")).IsEqualTo(2);
        // Only the request counters carry them, as in Traefik.
        await Assert.That(Value(s, $"traefik_service_request_duration_seconds_count{{code=\"200\",method=\"GET\",protocol=\"http\",service=\"{svc}\"}}")).IsGreaterThanOrEqualTo(3);
        await Assert.That(s.Split('\n').Where(l => l.Contains("useragent=", StringComparison.Ordinal)).All(l => l.Contains("_requests_total{", StringComparison.Ordinal))).IsTrue();

        var (code, _, err) = await CliRunner.RunAsync(["--metrics.prometheus=true", "--metrics.prometheus.headerLabels.user-agent=User-Agent"]);
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(err).Contains("metrics.prometheus.headerLabels.user-agent");
    }

    [Test]
    public async Task Manual_routing_and_disabled_labels_are_honoured()
    {
        var (f, _) = await StartAsync("--metrics.prometheus.manualRouting=true");
        await using var _f = f;
        using var r = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/metrics");
        await Assert.That((int)r.StatusCode).IsEqualTo(404);

        var (g, _) = await StartAsync("--metrics.prometheus.addServicesLabels=false", "--metrics.prometheus.addRoutersLabels=false");
        await using var _g = g;
        using (await g.SendAsync("app.example.com", "/api")) { }
        var s = await g.Edge.GetStringAsync("/metrics");
        await Assert.That(s).Contains("traefik_entrypoint_requests_total{");
        await Assert.That(Regex.IsMatch(s, "^traefik_(service|router)_", RegexOptions.Multiline)).IsFalse();
    }
}
