using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Middlewares.Expressions;
using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>A clock the test moves: the breaker's periods pass without waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>
/// Traefik's circuitBreaker: its expression language (Traefik's documented examples, oxy's
/// operators and metrics) and oxy's cbreaker states — standby, tripped (fallback with
/// responseCode), recovering (a growing share let through), back to standby — on a manual clock.
/// </summary>
public class CircuitBreakerMiddlewareTests
{
    private static RollingMetrics Metrics(ManualClock clock, params (int Code, int Count, int LatencyMs)[] outcomes)
    {
        var m = new RollingMetrics(clock);
        foreach (var (code, count, latency) in outcomes)
            for (int i = 0; i < count; i++) m.Record(code, TimeSpan.FromMilliseconds(latency));
        return m;
    }

    private static bool Eval(string expression, RollingMetrics m)
    {
        var p = Predicate.Parse(expression, CircuitBreakerMiddleware.Functions, out var error) ?? throw new InvalidOperationException(error);
        return p(m);
    }

    // 10 requests: 6 answered 200 in 10ms, 2 answered 500 in 200ms, 1 502 and 1 504 (network errors) in 1ms.
    private static readonly (int, int, int)[] Mixed = [(200, 6, 10), (500, 2, 200), (502, 1, 1), (504, 1, 1)];

    [Test]
    [Arguments("NetworkErrorRatio() > 0.30", false)]          // 2/10
    [Arguments("NetworkErrorRatio() > 0.10", true)]
    [Arguments("NetworkErrorRatio() >= 0.2", true)]
    [Arguments("NetworkErrorRatio() == 0.2", true)]
    [Arguments("NetworkErrorRatio() != 0.2", false)]
    [Arguments("ResponseCodeRatio(500, 600, 0, 600) > 0.25", true)]     // 4/10: the range is [500, 600)
    [Arguments("ResponseCodeRatio(500, 502, 0, 600) > 0.25", false)]    // 2/10
    [Arguments("ResponseCodeRatio(500, 600, 200, 300) == 4.0", false)]  // 4/6
    [Arguments("ResponseCodeRatio(500, 600, 200, 300) > 0.66", true)]
    [Arguments("ResponseCodeRatio(500, 600, 300, 400) > 0", false)]     // no 3xx: 0
    [Arguments("LatencyAtQuantileMS(50.0) > 100", false)]              // the median is 10ms
    [Arguments("LatencyAtQuantileMS(50.0) == 10", true)]
    [Arguments("LatencyAtQuantileMS(90.0) >= 200", true)]
    [Arguments("LatencyAtQuantileMS(80) < 200", true)]
    [Arguments("ResponseCodeRatio(500, 600, 0, 600) > 0.30 || NetworkErrorRatio() > 0.10", true)]
    [Arguments("LatencyAtQuantileMS(50.0) > 100 && ResponseCodeRatio(500, 600, 0, 600) > 0.25", false)]
    [Arguments("NetworkErrorRatio() > 0.5 || NetworkErrorRatio() > 0.1 && LatencyAtQuantileMS(50.0) > 100", false)]   // && binds tighter
    [Arguments("(NetworkErrorRatio() > 0.5 || NetworkErrorRatio() > 0.1) && LatencyAtQuantileMS(50.0) < 100", true)]
    public async Task Expressions_read_the_rolling_metrics(string expression, bool expected)
    {
        await Assert.That(Eval(expression, Metrics(new ManualClock(), Mixed))).IsEqualTo(expected);
    }

    [Test]
    public async Task Metrics_cover_the_last_ten_seconds()
    {
        var clock = new ManualClock();
        var m = Metrics(clock, (502, 5, 1));
        clock.Advance(TimeSpan.FromSeconds(5));
        m.Record(200, TimeSpan.Zero);
        await Assert.That(m.NetworkErrorRatio()).IsEqualTo(5.0 / 6);
        clock.Advance(TimeSpan.FromSeconds(6));
        await Assert.That(m.NetworkErrorRatio()).IsEqualTo(0).Because("the errors are older than the window, the 200 is the only one left");
        await Assert.That(Metrics(new ManualClock()).NetworkErrorRatio()).IsEqualTo(0).Because("no requests: 0, never NaN");
    }

    [Test]
    [Arguments("", "unexpected end of expression")]
    [Arguments("NetworkErrorRatio()", "expected a predicate")]
    [Arguments("NetworkErrorRatio() > ", "the right of > must be a number literal")]
    [Arguments("NetworkErrorRate() > 0.5", "unsupported function NetworkErrorRate, expected one of NetworkErrorRatio, ResponseCodeRatio, LatencyAtQuantileMS")]
    [Arguments("ResponseCodeRatio(500, 600) > 0.5", "ResponseCodeRatio takes 4 argument(s), got 2")]
    [Arguments("ResponseCodeRatio(500.5, 600, 0, 600) > 0.5", "ResponseCodeRatio: argument 1 must be an integer")]
    [Arguments("LatencyAtQuantileMS(50.0) > 100.5", "expected an integer after >, got 100.5")]
    [Arguments("NetworkErrorRatio() > 0.5 &&", "unexpected end of expression")]
    [Arguments("(NetworkErrorRatio() > 0.5", "missing )")]
    [Arguments("NetworkErrorRatio() > 0.5 and x", "unexpected \"and x\"")]
    [Arguments("NetworkErrorRatio() && LatencyAtQuantileMS(50.0) > 1", "&& joins predicates, got a number")]
    [Arguments("0.5 < NetworkErrorRatio()", "a comparison starts with a function, got a number at offset 0")]
    public async Task A_bad_expression_puts_the_middleware_in_error_saying_why(string expression, string why)
    {
        var built = MiddlewareBuilder.Create(new Middleware { CircuitBreaker = new CircuitBreakerConfig { Expression = expression } }, out var error);
        await Assert.That(built).IsNull();
        await Assert.That(error).StartsWith($"cannot parse expression \"{expression}\": ");
        await Assert.That(error).Contains(why);
    }

    private static (MiddlewareHarness.Chain Chain, ManualClock Clock, Func<int> Calls, Action<int> Answer) Breaker(
        string expression, string? check = null, string? fallback = null, string? recovery = null, int? code = null)
    {
        var clock = new ManualClock();
        int status = 200, calls = 0;
        var config = new CircuitBreakerConfig { Expression = expression, CheckPeriod = check, FallbackDuration = fallback, RecoveryDuration = recovery, ResponseCode = code };
        var mw = (CircuitBreakerMiddleware)MiddlewareBuilder.Create(new Middleware { CircuitBreaker = config }, out var error)!;
        var withClock = new CircuitBreakerMiddleware(mw.Options, clock);
        var chain = new MiddlewareHarness.Chain([withClock], r => { Interlocked.Increment(ref calls); r.Context.Response.StatusCode = status; return Task.CompletedTask; });
        return (chain, clock, () => calls, s => status = s);
    }

    [Test]
    public async Task It_trips_on_the_expression_falls_back_then_recovers_to_standby()
    {
        var (chain, clock, calls, answer) = Breaker("NetworkErrorRatio() > 0.5", fallback: "10s", recovery: "10s");
        answer(502);
        // The first response is checked at once: 1/1 network errors trips it.
        await Assert.That((await chain.RunAsync()).Status).IsEqualTo(502);
        answer(200);
        var blocked = await chain.RunAsync();
        await Assert.That(blocked.Status).IsEqualTo(503);
        await Assert.That(blocked.Body).IsEqualTo("Service Unavailable");
        await Assert.That(blocked.Forwarded).IsFalse();
        await Assert.That(calls()).IsEqualTo(1);

        clock.Advance(TimeSpan.FromSeconds(9));
        await Assert.That((await chain.RunAsync()).Status).IsEqualTo(503).Because("still within fallbackDuration");

        // Recovering: the share let through grows with the time spent recovering.
        clock.Advance(TimeSpan.FromSeconds(1.5));
        int passed = 0;
        for (int i = 0; i < 20; i++) if ((await chain.RunAsync()).Forwarded) passed++;
        await Assert.That(passed).IsEqualTo(0).Because("at the start of recovery the target share is ~0");
        clock.Advance(TimeSpan.FromSeconds(5));
        passed = 0;
        for (int i = 0; i < 40; i++) if ((await chain.RunAsync()).Forwarded) passed++;
        await Assert.That(passed).IsGreaterThan(0).And.IsLessThan(40);

        clock.Advance(TimeSpan.FromSeconds(5));
        for (int i = 0; i < 5; i++) await Assert.That((await chain.RunAsync()).Status).IsEqualTo(200).Because("recoveryDuration is over: standby");
    }

    [Test]
    public async Task ResponseCode_is_the_fallbacks_status()
    {
        var (chain, _, _, answer) = Breaker("ResponseCodeRatio(500, 600, 0, 600) > 0.5", code: 429);
        answer(500);
        await chain.RunAsync();
        var r = await chain.RunAsync();
        await Assert.That(r.Status).IsEqualTo(429);
        await Assert.That(r.Body).IsEqualTo("Too Many Requests");
    }

    [Test]
    public async Task The_expression_is_checked_once_per_checkPeriod()
    {
        var (chain, clock, _, answer) = Breaker("NetworkErrorRatio() > 0.5", check: "1s");
        await chain.RunAsync();              // checked: 0 errors, next check in 1s
        answer(502);
        for (int i = 0; i < 5; i++) await Assert.That((await chain.RunAsync()).Status).IsEqualTo(502).Because("no check before the period has passed");
        clock.Advance(TimeSpan.FromSeconds(1));
        await chain.RunAsync();              // checked: 6/7 errors, trips
        await Assert.That((await chain.RunAsync()).Status).IsEqualTo(503);
    }

    [Test]
    public async Task A_false_expression_never_trips()
    {
        var (chain, _, calls, answer) = Breaker("LatencyAtQuantileMS(50.0) > 100");
        answer(500);
        for (int i = 0; i < 20; i++) await chain.RunAsync();
        await Assert.That(calls()).IsEqualTo(20);
    }
}
