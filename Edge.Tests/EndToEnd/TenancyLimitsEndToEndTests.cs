using System.Net;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// README, multi-tenancy "Noisy neighbours": the flag defaults alone (no Namespace annotations)
/// limit a namespace; over the rate the answer is 429 at once, over the in-flight cap 503 at once,
/// both with <c>Retry-After: 1</c>.
/// </summary>
[NotInParallel("edge-e2e")]
public class TenancyLimitsEndToEndTests
{
    private static async Task<DataPlaneFixture> StartAsync(params string[] limits)
    {
        var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80)),
            ["--tenancy.enabled=true", .. limits]);
        await f.WaitForRouteAsync("app.example.com", "/");
        return f;
    }

    [Test]
    public async Task Over_the_rate_limit_the_answer_is_429_with_retry_after_1()
    {
        await using var f = await StartAsync("--tenancy.rateLimit.average=1", "--tenancy.rateLimit.burst=1");
        // One token per second: of a few requests sent back to back, all but at most one are refused.
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (int i = 0; i < 5 && refused is null; i++)
        {
            var r = await f.SendAsync("app.example.com", "/r" + i);
            codes.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests) refused = r;
            else r.Dispose();
        }
        await Assert.That(refused).IsNotNull().Because(string.Join(",", codes));
        using (refused)
        {
            await Assert.That(refused!.Headers.RetryAfter?.Delta).IsEqualTo(TimeSpan.FromSeconds(1));
            await Assert.That(await refused.Content.ReadAsStringAsync()).IsEqualTo("Too Many Requests\n");
        }
        await Assert.That(codes.All(c => c is HttpStatusCode.OK or HttpStatusCode.TooManyRequests)).IsTrue();
    }

    [Test]
    public async Task Over_the_in_flight_cap_the_answer_is_503_with_retry_after_1()
    {
        await using var f = await StartAsync("--tenancy.maxConcurrentRequests=1");
        int before = f.BackendRequests;
        var slow = f.SendAsync("app.example.com", "/slow?ms=3000");
        await Eventually.UntilAsync(() => f.BackendRequests > before, TimeSpan.FromSeconds(10), "the slow request reached a backend");
        using (var second = await f.SendAsync("app.example.com", "/second"))
        {
            await Assert.That(second.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
            await Assert.That(second.Headers.RetryAfter?.Delta).IsEqualTo(TimeSpan.FromSeconds(1));
            await Assert.That(await second.Content.ReadAsStringAsync()).IsEqualTo("Service Unavailable: too many requests in flight\n");
        }
        await Assert.That(slow.IsCompleted).IsFalse();   // refused while the first was still in flight
        using (var first = await slow) await Assert.That(first.StatusCode).IsEqualTo(HttpStatusCode.OK);
        using var after = await f.SendAsync("app.example.com", "/after");
        await Assert.That(after.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }
}
