using Edge.DataPlane.Middlewares;
using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's rateLimit, driven by a manual clock (no sleeps): the token bucket, the shaping wait
/// below maxDelay, the 429 answer, sources, and the bounded bucket map.
/// </summary>
public class RateLimitMiddlewareTests
{
    /// <summary>A clock the test moves; the shaping waits are recorded instead of slept.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000 * TimeSpan.TicksPerSecond;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan d) => _ticks += d.Ticks;
    }

    private sealed class Limited
    {
        public readonly ManualClock Clock = new();
        public readonly List<TimeSpan> Waits = new();
        public readonly MiddlewareHarness.Chain Chain;
        public readonly RateLimitMiddleware Middleware;

        public Limited(long average, TimeSpan period, long burst, SourceCriterionConfig? criterion = null)
        {
            var source = RequestSource.Create(criterion, hostByDefault: false, out var error) ?? throw new InvalidOperationException(error);
            Middleware = new RateLimitMiddleware(average, period.Ticks * 100, burst, source, Clock, (d, _) => { Waits.Add(d); return Task.CompletedTask; });
            Chain = new MiddlewareHarness.Chain(new HttpMiddleware[] { Middleware });
        }
    }

    [Test]
    public async Task Burst_requests_pass_then_429_with_Retry_After_X_Retry_In_and_Traefiks_body()
    {
        var l = new Limited(10, TimeSpan.FromSeconds(1), 2);
        for (int i = 0; i < 2; i++) await Assert.That((await l.Chain.RunAsync()).Forwarded).IsTrue();
        var refused = await l.Chain.RunAsync();
        await Assert.That(refused.Status).IsEqualTo(429);
        await Assert.That(refused.Forwarded).IsFalse();
        await Assert.That(refused.ResponseHeader("Retry-After")).IsEqualTo("1");
        await Assert.That(refused.ResponseHeader("X-Retry-In")).IsEqualTo("100ms");
        await Assert.That(refused.Body).IsEqualTo("Too Many Requests");
        await Assert.That(l.Waits).IsEmpty();
    }

    [Test]
    public async Task Tokens_refill_at_average_per_period()
    {
        var l = new Limited(1, TimeSpan.FromMinutes(1), 1);
        await Assert.That((await l.Chain.RunAsync()).Status).IsEqualTo(200);
        var first = await l.Chain.RunAsync();
        await Assert.That(first.ResponseHeader("Retry-After")).IsEqualTo("60");
        await Assert.That(first.ResponseHeader("X-Retry-In")).IsEqualTo("1m0s");
        l.Clock.Advance(TimeSpan.FromSeconds(30));
        var half = await l.Chain.RunAsync();
        await Assert.That(half.Status).IsEqualTo(429);
        await Assert.That(half.ResponseHeader("X-Retry-In")).IsEqualTo("30s");
        l.Clock.Advance(TimeSpan.FromSeconds(30));
        await Assert.That((await l.Chain.RunAsync()).Status).IsEqualTo(200);
    }

    [Test]
    public async Task A_wait_within_maxDelay_is_waited_then_served_and_a_refusal_spends_no_token()
    {
        // 4/s: a token every 250ms, maxDelay 125ms (Traefik's 1s / (2 * rate)).
        var l = new Limited(4, TimeSpan.FromSeconds(1), 1);
        await Assert.That((await l.Chain.RunAsync()).Status).IsEqualTo(200);
        var refused = await l.Chain.RunAsync();
        await Assert.That(refused.Status).IsEqualTo(429);
        await Assert.That(refused.ResponseHeader("X-Retry-In")).IsEqualTo("250ms");
        l.Clock.Advance(TimeSpan.FromMilliseconds(125));
        // Half a token there (none was spent by the refusal): the request waits 125ms and goes on.
        var shaped = await l.Chain.RunAsync();
        await Assert.That(shaped.Forwarded).IsTrue();
        await Assert.That(l.Waits).IsEquivalentTo(new[] { TimeSpan.FromMilliseconds(125) });
    }

    [Test]
    public async Task Average_0_limits_nothing()
    {
        var l = new Limited(0, TimeSpan.FromSeconds(1), 1);
        for (int i = 0; i < 50; i++) await Assert.That((await l.Chain.RunAsync()).Status).IsEqualTo(200);
    }

    [Test]
    public async Task The_default_source_is_the_client_IP()
    {
        var l = new Limited(1, TimeSpan.FromMinutes(1), 1);
        await Assert.That((await l.Chain.RunAsync(remote: "10.0.0.1")).Status).IsEqualTo(200);
        await Assert.That((await l.Chain.RunAsync(remote: "10.0.0.1")).Status).IsEqualTo(429);
        await Assert.That((await l.Chain.RunAsync(remote: "10.0.0.2")).Status).IsEqualTo(200);
    }

    [Test]
    public async Task IpStrategy_depth_counts_X_Forwarded_For_from_the_right_from_a_trusted_source()
    {
        var l = new Limited(1, TimeSpan.FromMinutes(1), 1, new SourceCriterionConfig { IpStrategy = new IpStrategyConfig { Depth = 1 } });
        Action<Microsoft.AspNetCore.Http.HttpRequest> Xff(string v) => r => r.Headers["X-Forwarded-For"] = v;
        await Assert.That((await l.Chain.RunAsync(request: Xff("1.1.1.1, 2.2.2.2"), trustedIps: "127.0.0.1/32")).Status).IsEqualTo(200);
        await Assert.That((await l.Chain.RunAsync(request: Xff("3.3.3.3, 2.2.2.2"), trustedIps: "127.0.0.1/32")).Status).IsEqualTo(429);
        await Assert.That((await l.Chain.RunAsync(request: Xff("2.2.2.2, 3.3.3.3"), trustedIps: "127.0.0.1/32")).Status).IsEqualTo(200);
    }

    [Test]
    public async Task IpStrategy_excludedIPs_takes_the_rightmost_address_not_excluded()
    {
        var l = new Limited(1, TimeSpan.FromMinutes(1), 1, new SourceCriterionConfig { IpStrategy = new IpStrategyConfig { ExcludedIps = ["10.0.0.0/8"] } });
        Action<Microsoft.AspNetCore.Http.HttpRequest> Xff(string v) => r => r.Headers["X-Forwarded-For"] = v;
        await Assert.That((await l.Chain.RunAsync(request: Xff("5.5.5.5, 10.0.0.1"), trustedIps: "127.0.0.1/32")).Status).IsEqualTo(200);
        await Assert.That((await l.Chain.RunAsync(request: Xff("5.5.5.5, 10.0.0.2, 10.1.1.1"), trustedIps: "127.0.0.1/32")).Status).IsEqualTo(429);
        await Assert.That((await l.Chain.RunAsync(request: Xff("6.6.6.6"), trustedIps: "127.0.0.1/32")).Status).IsEqualTo(200);
    }

    [Test]
    public async Task RequestHost_and_requestHeaderName_group_by_what_they_name()
    {
        var byHost = new Limited(1, TimeSpan.FromMinutes(1), 1, new SourceCriterionConfig { RequestHost = true });
        await Assert.That((await byHost.Chain.RunAsync(host: "a.example.com", remote: "10.0.0.1")).Status).IsEqualTo(200);
        await Assert.That((await byHost.Chain.RunAsync(host: "a.example.com", remote: "10.0.0.2")).Status).IsEqualTo(429);
        await Assert.That((await byHost.Chain.RunAsync(host: "b.example.com", remote: "10.0.0.1")).Status).IsEqualTo(200);

        var byHeader = new Limited(1, TimeSpan.FromMinutes(1), 1, new SourceCriterionConfig { RequestHeaderName = "X-Tenant" });
        await Assert.That((await byHeader.Chain.RunAsync(request: r => r.Headers["X-Tenant"] = "t1")).Status).IsEqualTo(200);
        await Assert.That((await byHeader.Chain.RunAsync(request: r => r.Headers["X-Tenant"] = "t1", remote: "10.9.9.9")).Status).IsEqualTo(429);
        await Assert.That((await byHeader.Chain.RunAsync(request: r => r.Headers["X-Tenant"] = "t2")).Status).IsEqualTo(200);
    }

    [Test]
    public async Task Each_router_chain_has_its_own_buckets_as_in_Traefik()
    {
        var l = new Limited(1, TimeSpan.FromMinutes(1), 1);
        var otherRouter = new MiddlewareHarness.Chain(new HttpMiddleware[] { l.Middleware });
        await Assert.That((await l.Chain.RunAsync()).Status).IsEqualTo(200);
        await Assert.That((await l.Chain.RunAsync()).Status).IsEqualTo(429);
        await Assert.That((await otherRouter.RunAsync()).Status).IsEqualTo(200);
    }

    [Test]
    public async Task Idle_buckets_are_forgotten_after_their_ttl()
    {
        // 10/s: ttl 2s.
        var l = new Limited(10, TimeSpan.FromSeconds(1), 1);
        for (int i = 1; i <= 20; i++) await l.Chain.RunAsync(remote: $"10.0.0.{i}");
        await Assert.That(l.Middleware.LastBuckets!.Count).IsEqualTo(20);
        l.Clock.Advance(TimeSpan.FromSeconds(2));
        await l.Chain.RunAsync(remote: "10.0.1.1");
        await Assert.That(l.Middleware.LastBuckets!.Count).IsEqualTo(1);
    }

    [Test]
    public async Task At_capacity_the_bucket_idle_longest_is_evicted()
    {
        var clock = new ManualClock();
        var buckets = new TokenBuckets(1, 1, 500_000_000, 60L * 1_000_000_000, clock);
        buckets.Take("first", out var allowed);
        await Assert.That(allowed).IsTrue();
        for (int i = 1; i <= TokenBuckets.Capacity; i++) buckets.Take("s" + i, out _);
        await Assert.That(buckets.Count).IsEqualTo(TokenBuckets.Capacity);
        // "first" was evicted to make room: it comes back with a full bucket; the newest source does not.
        buckets.Take("first", out var again);
        await Assert.That(again).IsTrue();
        buckets.Take("s" + TokenBuckets.Capacity, out var newest);
        await Assert.That(newest).IsFalse();
    }

    [Test]
    [Arguments("-1s", "negative value not valid for period: -1s")]
    [Arguments("soon", "invalid period soon")]
    public async Task A_bad_period_is_refused(string period, string error)
    {
        var built = MiddlewareBuilder.Create(new Middleware { RateLimit = new RateLimitConfig { Average = 1, Period = period } }, out var why);
        await Assert.That(built).IsNull();
        await Assert.That(why).IsEqualTo(error);
    }

    [Test]
    public async Task Two_source_criteria_at_once_are_refused_as_Traefik_does()
    {
        var c = new SourceCriterionConfig { IpStrategy = new IpStrategyConfig(), RequestHost = true };
        var built = MiddlewareBuilder.Create(new Middleware { RateLimit = new RateLimitConfig { Average = 1, SourceCriterion = c } }, out var why);
        await Assert.That(built).IsNull();
        await Assert.That(why).IsEqualTo("getting source extractor: iPStrategy and RequestHost are mutually exclusive");
    }
}
