using System.Diagnostics;
using System.Net;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The latency budget of the two-tenant scenario (<see cref="TwoTenantScenario"/>): a tenant over
/// its rate limit is refused without slowing the other tenant down.
/// </summary>
/// <remarks>
/// A p99 compared against a baseline measures the machine as much as Edge: on 2 shared cores a CPU-heavy
/// unit test running beside it (fuzzing, conformance) shifts one side of the ratio. [NotInParallel]
/// without a key makes TUnit run this test completely alone (after every parallel and keyed test,
/// behind an exclusive lock), not merely apart from the other "edge-e2e" tests.
/// </remarks>
[NotInParallel]
public class TwoTenantLatencyEndToEndTests
{
    [Test]
    public async Task A_flooding_tenant_is_refused_at_once_and_the_other_tenant_keeps_its_latency()
    {
        var (f, infra) = await TwoTenantEndToEndTests.Start("--metrics.prometheus=true", "--metrics.prometheus.addRoutersLabels=true");
        await using var _ = f; await using var __ = infra;
        using var a = TwoTenantScenario.HttpsClient(f.Edge.WebPort);
        using var b = TwoTenantScenario.HttpsClient(f.Edge.WebPort);
        var shop = $"https://shop.example.com:{f.Edge.WebPort}/";
        var blog = $"https://blog.example.com:{f.Edge.WebPort}/";
        await Sample(a, shop, 50);   // warm up connections and JIT of the test client
        var unloaded = await Sample(a, shop, 300);

        // team-b offers ~25x its limit of 20 req/s: paced loops, so the test measures the proxy
        // and not two cores lost to the test's own client.
        using var stop = new CancellationTokenSource();
        int ok = 0, limited = 0, other = 0;
        var sw = Stopwatch.StartNew();
        var flood = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var r = await b.GetAsync(blog);
                if (r.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
                else if (r.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref limited);
                else Interlocked.Increment(ref other);
                await Task.Delay(15);
            }
        })).ToList();
        // Measured only once the flood is at full force: team-b's burst is spent and refusals
        // dominate (on a slow machine that takes longer than a fixed wait would allow).
        await Eventually.UntilAsync(() => Volatile.Read(ref limited) >= 8 && Volatile.Read(ref limited) > 3 * Volatile.Read(ref ok),
            TimeSpan.FromSeconds(10), () => $"team-b's flood being refused: {ok} admitted, {limited} refused, {other} other");
        var loaded = await Sample(a, shop, 300);
        stop.Cancel();
        await Task.WhenAll(flood);
        var seconds = sw.Elapsed.TotalSeconds;
        // The unloaded value is measured on both sides of the flood: on a shared CI machine the
        // background load can change during the test, and the bracket keeps that out of the ratio.
        var unloadedAfter = await Sample(a, shop, 300);
        var baseline = Math.Max(unloaded.P99, unloadedAfter.P99);

        await Assert.That(other).IsEqualTo(0);
        await Assert.That(limited).IsGreaterThan(ok * 3);
        // The bucket starts full (burst = rate) and refills at the rate.
        await Assert.That(ok).IsLessThanOrEqualTo((int)(TwoTenantScenario.TeamBRate * (seconds + 1)) + TwoTenantScenario.TeamBRate);
        await Assert.That(f.B.Requests).IsEqualTo(ok);
        // p99 within 2x of unloaded. A 5 ms floor on the baseline absorbs scheduler jitter of a
        // shared 2-core CI machine, where an unloaded loopback p99 is often well under 1 ms.
        var budget = 2 * Math.Max(baseline, 5.0);
        await Assert.That(loaded.Failures).IsEqualTo(0);
        await Assert.That(loaded.P99).IsLessThanOrEqualTo(budget).Because($"unloaded p99 {unloaded.P99:F2} ms before, {unloadedAfter.P99:F2} ms after the flood");

        // The refusals and team-a's traffic show up per namespace in /metrics.
        var refusals = $"traefik_service_requests_total{{code=\"429\",method=\"GET\",protocol=\"http\",service=\"team-b-web-80@kubernetes\",namespace=\"team-b\"}} {limited}";
        var metrics = "";
        await Eventually.UntilAsync(async () => (metrics = await f.Edge.GetStringAsync("/metrics")).Contains(refusals),
            TimeSpan.FromSeconds(5), () => $"no \"{refusals}\" in /metrics:\n{metrics}");
        await Assert.That(metrics).Contains("router=\"team-a-shop-shop-example-com@kubernetes\",service=\"team-a-web-80@kubernetes\",namespace=\"team-a\"");
    }

    private sealed record Latency(double P99, int Failures);

    private static async Task<Latency> Sample(HttpClient client, string url, int n)
    {
        var ms = new List<double>(n);
        int failures = 0;
        for (int i = 0; i < n; i++)
        {
            long t = Stopwatch.GetTimestamp();
            using var r = await client.GetAsync(url);
            await r.Content.LoadIntoBufferAsync();
            ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if (r.StatusCode != HttpStatusCode.OK) failures++;
        }
        ms.Sort();
        return new Latency(ms[(int)Math.Ceiling(0.99 * n) - 1], failures);
    }
}
