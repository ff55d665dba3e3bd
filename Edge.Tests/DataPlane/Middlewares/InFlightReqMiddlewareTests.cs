using Edge.DataPlane.Middlewares;
using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>Traefik's inFlightReq (oxy connlimit): requests held in flight by the test's backend, no sleeps.</summary>
public class InFlightReqMiddlewareTests
{
    /// <summary>A backend that holds every request until released.</summary>
    private sealed class HeldBackend
    {
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Entered;
        public Task Serve(ProxyRequest _) { Interlocked.Increment(ref Entered); return _release.Task; }
        public void ReleaseAll() => _release.SetResult();
    }

    [Test]
    public async Task Over_the_amount_per_host_answers_429_as_connlimit_does_until_a_request_ends()
    {
        var backend = new HeldBackend();
        var chain = new MiddlewareHarness.Chain(new Middleware { InFlightReq = new InFlightReqConfig { Amount = 1 } }, backend.Serve);
        var held = chain.RunAsync(host: "a.example.com");
        await Assert.That(backend.Entered).IsEqualTo(1);

        // Bounded: were the request admitted, the held backend would keep it forever.
        var refused = await chain.RunAsync(host: "a.example.com", remote: "10.0.0.9").WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.That(refused.Status).IsEqualTo(429);
        await Assert.That(refused.Forwarded).IsFalse();
        await Assert.That(refused.Body).IsEqualTo("max connections reached: 1");

        // The default source is the request host: another host has its own count.
        var otherHost = chain.RunAsync(host: "b.example.com");
        await Assert.That(backend.Entered).IsEqualTo(2);

        backend.ReleaseAll();
        await Assert.That((await held).Status).IsEqualTo(200);
        await otherHost;
        await Assert.That((await chain.RunAsync(host: "a.example.com")).Status).IsEqualTo(200).Because("the slot is free again");
    }

    [Test]
    public async Task Amount_0_refuses_every_request()
    {
        var chain = new MiddlewareHarness.Chain(new Middleware { InFlightReq = new InFlightReqConfig() });
        var h = await chain.RunAsync();
        await Assert.That(h.Status).IsEqualTo(429);
        await Assert.That(h.Body).IsEqualTo("max connections reached: 0");
    }

    [Test]
    public async Task RequestHeaderName_groups_by_the_header()
    {
        var backend = new HeldBackend();
        var config = new InFlightReqConfig { Amount = 1, SourceCriterion = new SourceCriterionConfig { RequestHeaderName = "X-Tenant" } };
        var chain = new MiddlewareHarness.Chain(new Middleware { InFlightReq = config }, backend.Serve);
        var held = chain.RunAsync(request: r => r.Headers["X-Tenant"] = "t1");
        await Assert.That((await chain.RunAsync(request: r => r.Headers["X-Tenant"] = "t1", host: "other.example.com").WaitAsync(TimeSpan.FromSeconds(10))).Status).IsEqualTo(429);
        var t2 = chain.RunAsync(request: r => r.Headers["X-Tenant"] = "t2");
        await Assert.That(backend.Entered).IsEqualTo(2);
        backend.ReleaseAll();
        await held;
        await t2;
    }

    [Test]
    public async Task Two_source_criteria_at_once_are_refused()
    {
        var c = new SourceCriterionConfig { RequestHeaderName = "X-A", RequestHost = true };
        var built = MiddlewareBuilder.Create(new Middleware { InFlightReq = new InFlightReqConfig { Amount = 1, SourceCriterion = c } }, out var why);
        await Assert.That(built).IsNull();
        await Assert.That(why).IsEqualTo("error creating requests limiter: requestHost and RequestHeaderName are mutually exclusive");
    }
}
