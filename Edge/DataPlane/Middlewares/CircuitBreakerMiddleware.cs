using Edge.DataPlane.Middlewares.Expressions;
using Edge.Observability.Logging;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

internal sealed record CircuitBreakerOptions(string Expression, Func<RollingMetrics, bool> Condition, TimeSpan CheckPeriod,
    TimeSpan FallbackDuration, TimeSpan RecoveryDuration, int ResponseCode);

/// <summary>
/// Traefik's circuitBreaker (oxy's cbreaker). Standby: requests go through and their outcome is
/// recorded (<see cref="RollingMetrics"/>); at most once per <c>checkPeriod</c>, after a response,
/// the expression is evaluated and, when true, the breaker trips. Tripped: for
/// <c>fallbackDuration</c> every request is answered <c>responseCode</c> with its status text and
/// never reaches the service. Recovering: for <c>recoveryDuration</c> a growing share of requests
/// (oxy's ratio controller: the share allowed rises linearly to one half) goes through, the rest
/// fall back; a true expression trips it again, the end of the period returns it to standby.
/// The state belongs to one router's chain, as in Traefik.
/// </summary>
internal sealed class CircuitBreakerMiddleware(CircuitBreakerOptions options, TimeProvider? clock = null) : HttpMiddleware
{
    public static readonly IReadOnlyList<PredicateFunction<RollingMetrics>> Functions =
    [
        new("NetworkErrorRatio", [], ResultKind.Float, _ => m => m.NetworkErrorRatio()),
        new("ResponseCodeRatio", [true, true, true, true], ResultKind.Float,
            a => m => m.ResponseCodeRatio((int)a[0], (int)a[1], (int)a[2], (int)a[3])),
        new("LatencyAtQuantileMS", [false], ResultKind.Int, a => m => m.LatencyAtQuantileMs(a[0])),
    ];

    internal CircuitBreakerOptions Options => options;

    public override ProxyHandler Wrap(ProxyHandler next)
    {
        var breaker = new Breaker(options, clock ?? TimeProvider.System);
        return async r =>
        {
            if (breaker.Fallback())
            {
                var ctx = r.Context;
                ctx.Response.StatusCode = options.ResponseCode;
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync(ReasonPhrases.Of(options.ResponseCode));
                return;
            }
            long start = breaker.Clock.GetTimestamp();
            await next(r);
            breaker.Served(r.Context.Response.StatusCode, breaker.Clock.GetElapsedTime(start));
        };
    }

    internal enum State { Standby, Tripped, Recovering }

    /// <summary>One router's breaker: oxy's CircuitBreaker state machine.</summary>
    internal sealed class Breaker(CircuitBreakerOptions options, TimeProvider clock)
    {
        private readonly object _lock = new();
        private readonly RollingMetrics _metrics = new(clock);
        private volatile State _state = State.Standby;
        private DateTimeOffset _until;
        private DateTimeOffset _lastCheck;
        private DateTimeOffset _recoveryStart;
        private long _allowed, _denied;

        public TimeProvider Clock => clock;
        public State Current => _state;

        /// <summary>oxy's activateFallback: true when this request is answered by the fallback.</summary>
        public bool Fallback()
        {
            if (_state == State.Standby) return false;
            lock (_lock)
            {
                var now = clock.GetUtcNow();
                if (_state == State.Tripped)
                {
                    if (now < _until) return true;
                    SetState(State.Recovering, now + options.RecoveryDuration);
                    _recoveryStart = now;
                    _allowed = _denied = 0;
                }
                if (_state == State.Recovering)
                {
                    if (now > _until)
                    {
                        SetState(State.Standby, now);
                        return false;
                    }
                    return !AllowRequest(now);
                }
                return false;
            }
        }

        /// <summary>oxy's ratioController.allowRequest: allow when the allowed share stays below the target, which grows from 0 to 0.5.</summary>
        private bool AllowRequest(DateTimeOffset now)
        {
            double target = options.RecoveryDuration <= TimeSpan.Zero ? 0.5 : 0.5 * (now - _recoveryStart).Ticks / options.RecoveryDuration.Ticks;
            double ratio = (double)(_allowed + 1) / (_allowed + 1 + _denied);
            if (ratio < target) { _allowed++; return true; }
            _denied++;
            return false;
        }

        /// <summary>oxy's serve then checkAndSet: record the outcome; at most once per checkPeriod, trip when the condition holds.</summary>
        public void Served(int code, TimeSpan latency)
        {
            _metrics.Record(code, latency);
            var now = clock.GetUtcNow();
            if (now < _lastCheck) return;
            lock (_lock)
            {
                if (now < _lastCheck) return;
                _lastCheck = now + options.CheckPeriod;
                if (_state == State.Tripped) return;
                if (!options.Condition(_metrics)) return;
                SetState(State.Tripped, now + options.FallbackDuration);
                _metrics.Reset();
            }
        }

        private void SetState(State state, DateTimeOffset until)
        {
            Log.Write(state == State.Tripped ? LogLevel.Warn : LogLevel.Info, "Circuit breaker state changed",
                [("from", _state), ("to", state), ("expression", options.Expression), ("until", until)]);
            _state = state;
            _until = until;
        }
    }
}
