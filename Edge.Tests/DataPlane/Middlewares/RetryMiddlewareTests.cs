using Edge.DataPlane.Middlewares;
using Edge.Model;
using static Edge.Tests.DataPlane.Middlewares.ScriptedServer.Step;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's retry (pkg/middlewares/retry, its TestRetry cases as data) in front of the real
/// forwarder: what is retried (a server that could not be reached, a listed status), what is not
/// (a failure once the request went out, a non-idempotent method on a status), body replay, the
/// retry count the access log shows, and the options New refuses.
/// </summary>
public class RetryMiddlewareTests
{
    private static Middleware Retry(int attempts, string? interval = null, List<string>? status = null, bool disableNetwork = false,
        bool nonIdempotent = false, long? maxBody = null, string? timeout = null) => new()
    {
        Retry = new RetryConfig
        {
            Attempts = attempts, InitialInterval = interval, Status = status, DisableRetryOnNetworkError = disableNetwork ? true : null,
            RetryNonIdempotentMethod = nonIdempotent ? true : null, MaxRequestBodyBytes = maxBody, Timeout = timeout,
        },
    };

    // Traefik's TestRetry: attempts, how many servers refuse first, the status the client gets, the retries counted.
    [Test]
    [Arguments(5, 0, null, 200, 0)]           // no retry on success
    [Arguments(5, 0, "50us", 200, 0)]         // no retry on success with backoff
    [Arguments(1, 1, null, 502, 0)]           // no retry when max request attempts is one
    [Arguments(1, 1, "50us", 502, 0)]
    [Arguments(2, 1, null, 200, 1)]           // one retry when one server is faulty
    [Arguments(2, 1, "50us", 200, 1)]
    [Arguments(3, 2, null, 200, 2)]           // two retries when two servers are faulty
    [Arguments(3, 2, "50us", 200, 2)]
    [Arguments(3, 3, null, 502, 2)]           // max attempts exhausted delivers the 5xx response
    [Arguments(3, 3, "50us", 502, 2)]
    public async Task A_server_that_cannot_be_reached_is_tried_again(int attempts, int refusals, string? interval, int status, int retries)
    {
        var steps = Enumerable.Repeat(Refuse, refusals).Append(Ok).ToArray();
        using var h = new ResilienceHarness(Retry(attempts, interval), new ScriptedServer(steps));
        var r = await h.SendAsync();
        await Assert.That(r.Status).IsEqualTo(status);
        await Assert.That(r.RetryAttempts).IsEqualTo(retries);
        await Assert.That(h.Server.Calls).IsEqualTo(Math.Min(attempts, refusals + 1));
        if (status == 200)
        {
            await Assert.That(r.Body).IsEqualTo($"call {refusals + 1}: ");
            await Assert.That(r.ForwardError).IsNull().Because("the failed attempts are not the request's outcome");
        }
        else await Assert.That(r.ForwardError).IsEqualTo("connect");
    }

    [Test]
    public async Task A_body_is_sent_whole_on_the_attempt_after_a_refused_connection_even_for_POST()
    {
        using var h = new ResilienceHarness(Retry(3), new ScriptedServer(Refuse, Refuse, Ok));
        var r = await h.SendAsync("POST", "payload-123");
        await Assert.That(r.Status).IsEqualTo(200);
        await Assert.That(r.Body).IsEqualTo("call 3: payload-123");
        await Assert.That(h.Server.Bodies).IsEquivalentTo(["payload-123"]);
    }

    [Test]
    [Arguments("PUT", "once")]
    [Arguments("GET", null)]
    public async Task A_failure_after_the_request_was_sent_is_not_retried(string method, string? body)
    {
        using var h = new ResilienceHarness(Retry(3), new ScriptedServer(ResetAfterRequest, Ok));
        var r = await h.SendAsync(method, body);
        await Assert.That(r.Status).IsEqualTo(502);
        await Assert.That(h.Server.Calls).IsEqualTo(1).Because("the server may have acted on the request");
        await Assert.That(r.RetryAttempts).IsEqualTo(0);
    }

    [Test]
    public async Task A_listed_status_is_retried_with_the_same_body()
    {
        using var h = new ResilienceHarness(Retry(3, status: ["500-599"]), new ScriptedServer(Status503, Status500, Ok));
        var r = await h.SendAsync("PUT", "same-body");
        await Assert.That(r.Status).IsEqualTo(200);
        await Assert.That(r.Body).IsEqualTo("call 3: same-body");
        await Assert.That(h.Server.Bodies).IsEquivalentTo(["same-body", "same-body", "same-body"]);
        await Assert.That(r.RetryAttempts).IsEqualTo(2);
    }

    [Test]
    public async Task The_last_attempt_is_answered_whatever_its_status()
    {
        using var h = new ResilienceHarness(Retry(2, status: ["503"]), new ScriptedServer(Status503));
        var r = await h.SendAsync();
        await Assert.That(r.Status).IsEqualTo(503);
        await Assert.That(r.Body).IsEqualTo("call 2: ");
        await Assert.That(r.RetryAttempts).IsEqualTo(1);
    }

    [Test]
    [Arguments("POST", false, 503, 1)]
    [Arguments("PATCH", false, 503, 1)]
    [Arguments("LOCK", false, 503, 1)]
    [Arguments("POST", true, 200, 2)]
    [Arguments("DELETE", false, 200, 2)]
    public async Task Status_retries_are_for_idempotent_methods_unless_retryNonIdempotentMethod(string method, bool nonIdempotent, int status, int calls)
    {
        using var h = new ResilienceHarness(Retry(2, status: ["503"], nonIdempotent: nonIdempotent), new ScriptedServer(Status503, Ok));
        var r = await h.SendAsync(method, "b");
        await Assert.That(r.Status).IsEqualTo(status);
        await Assert.That(h.Server.Calls).IsEqualTo(calls);
    }

    [Test]
    public async Task A_body_over_maxRequestBodyBytes_turns_status_retries_off_and_is_forwarded_whole()
    {
        using var h = new ResilienceHarness(Retry(3, status: ["503"], maxBody: 4), new ScriptedServer(Status503, Ok));
        var r = await h.SendAsync("PUT", "0123456789");
        await Assert.That(r.Status).IsEqualTo(503);
        await Assert.That(h.Server.Bodies).IsEquivalentTo(["0123456789"]);
    }

    [Test]
    public async Task A_status_outside_the_ranges_is_answered()
    {
        using var h = new ResilienceHarness(Retry(3, status: ["502-504"]), new ScriptedServer(Status500, Ok));
        var r = await h.SendAsync();
        await Assert.That(r.Status).IsEqualTo(500);
        await Assert.That(h.Server.Calls).IsEqualTo(1);
    }

    [Test]
    public async Task DisableRetryOnNetworkError_answers_a_refused_connection()
    {
        using var h = new ResilienceHarness(Retry(3, status: ["503"], disableNetwork: true), new ScriptedServer(Refuse, Ok));
        var r = await h.SendAsync();
        await Assert.That(r.Status).IsEqualTo(502);
        await Assert.That(h.Server.Calls).IsEqualTo(1);
    }

    [Test]
    public async Task Once_the_timeout_has_passed_the_outcome_is_answered()
    {
        // Every 200 would be retried, but the first one comes after the timeout: it is answered.
        using var h = new ResilienceHarness(Retry(3, status: ["200"], timeout: "1ms"), new ScriptedServer(Slow, Ok));
        var r = await h.SendAsync();
        await Assert.That(r.Status).IsEqualTo(200);
        await Assert.That(h.Server.Calls).IsEqualTo(1);
    }

    [Test]
    public async Task A_response_from_a_middleware_after_the_retry_is_not_retried()
    {
        var basic = new Middleware { BasicAuth = new BasicAuthConfig { Users = ["u:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="] } };
        using var h = new ResilienceHarness([Retry(3, status: ["401"]), basic], new ScriptedServer(Ok));
        var r = await h.SendAsync();
        await Assert.That(r.Status).IsEqualTo(401);
        await Assert.That(h.Server.Calls).IsEqualTo(0);
        await Assert.That(r.RetryAttempts).IsEqualTo(0);
    }

    [Test]
    [Arguments(0, null, false, null, "incorrect (or empty) value for attempt (0)")]
    [Arguments(-1, null, false, null, "incorrect (or empty) value for attempt (-1)")]
    [Arguments(2, null, true, null, "retry middleware requires at least HTTP status codes or retry on TCP")]
    [Arguments(2, "5xx", false, null, "creating HTTP code ranges: strconv.Atoi: parsing \"5xx\": invalid syntax")]
    [Arguments(2, null, false, "soon", "initialInterval: time: invalid duration \"soon\"")]
    public async Task Options_Traefik_refuses_put_the_middleware_in_error(int attempts, string? status, bool disableNetwork, string? interval, string expected)
    {
        var built = MiddlewareBuilder.Create(Retry(attempts, interval, status is null ? null : [status], disableNetwork), out var error);
        await Assert.That(built).IsNull();
        await Assert.That(error).IsEqualTo(expected);
    }

    [Test]
    public async Task The_backoff_grows_to_twice_the_initial_interval_by_the_last_attempt_randomised_by_half()
    {
        // attempts 3: multiplier 2^(1/2); with the random draw at its lowest each wait is half the interval.
        var low = new RetryBackoff(3, TimeSpan.FromMilliseconds(100), () => 0);
        await Assert.That(low.Next().TotalMilliseconds).IsEqualTo(50);
        await Assert.That(Math.Round(low.Next().TotalMilliseconds, 1)).IsEqualTo(70.7);
        await Assert.That(Math.Round(low.Next().TotalMilliseconds, 1)).IsEqualTo(100);
        var high = new RetryBackoff(3, TimeSpan.FromMilliseconds(100), () => 0.9999999);
        await Assert.That(Math.Round(high.Next().TotalMilliseconds)).IsEqualTo(150);
        await Assert.That(new RetryBackoff(3, TimeSpan.Zero).Next()).IsEqualTo(TimeSpan.Zero).Because("no initialInterval: at once");
        await Assert.That(new RetryBackoff(1, TimeSpan.FromSeconds(1)).Next()).IsEqualTo(TimeSpan.Zero);
    }
}
