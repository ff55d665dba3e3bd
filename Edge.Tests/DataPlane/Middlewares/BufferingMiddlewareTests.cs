using Edge.DataPlane.Middlewares;
using Edge.Model;
using static Edge.Tests.DataPlane.Middlewares.ScriptedServer.Step;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's buffering (its TestBuffering cases, oxy's buffer) in front of the real forwarder:
/// request and response limits with Traefik's statuses, the body sent whole with a Content-Length,
/// spooling past the memory threshold, and retryExpression.
/// </summary>
public class BufferingMiddlewareTests
{
    private static readonly string Payload = new('x', 127);   // Traefik's math.MaxInt8 bytes

    private static Middleware Buffering(long? maxRequest = null, long? maxResponse = null, long? memRequest = null, string? retry = null) =>
        new() { Buffering = new BufferingConfig { MaxRequestBodyBytes = maxRequest, MaxResponseBodyBytes = maxResponse, MemRequestBodyBytes = memRequest, RetryExpression = retry } };

    [Test]
    [Arguments(null, null, 200)]   // unlimited response and request body size
    [Arguments(1L, null, 413)]     // limited request body size
    [Arguments(null, 1L, 500)]     // limited response body size
    public async Task Traefiks_limits(long? maxRequest, long? maxResponse, int status)
    {
        using var h = new ResilienceHarness(Buffering(maxRequest, maxResponse), new ScriptedServer(Ok));
        var r = await h.SendAsync("POST", Payload);
        await Assert.That(r.Status).IsEqualTo(status);
        if (status == 200) await Assert.That(r.Body).IsEqualTo("call 1: " + Payload);
        if (status == 413) await Assert.That(h.Server.Calls).IsEqualTo(0).Because("a body over the limit never reaches the service");
        if (status == 500) await Assert.That(r.Body).IsEqualTo("Internal Server Error\n");
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task A_body_over_maxRequestBodyBytes_declared_or_chunked_is_413_with_oxys_text(bool chunked)
    {
        using var h = new ResilienceHarness(Buffering(maxRequest: 10), new ScriptedServer(Ok));
        var r = await h.SendAsync("PUT", "0123456789A", chunked: chunked);
        await Assert.That(r.Status).IsEqualTo(413);
        await Assert.That(r.Body).IsEqualTo("Maximum size 10 was reached");
        await Assert.That(h.Server.Calls).IsEqualTo(0);
    }

    [Test]
    public async Task A_chunked_body_at_the_limit_goes_whole_with_a_Content_Length()
    {
        using var h = new ResilienceHarness(Buffering(maxRequest: 10), new ScriptedServer(Ok));
        var r = await h.SendAsync("PUT", "0123456789", chunked: true);
        await Assert.That(r.Status).IsEqualTo(200);
        await Assert.That(h.Server.Bodies).IsEquivalentTo(["0123456789"]);
        await Assert.That(h.Server.ContentLengths).IsEquivalentTo(new long?[] { 10 });
    }

    [Test]
    public async Task Past_memRequestBodyBytes_the_body_is_spooled_to_a_file_and_sent_unchanged()
    {
        var body = string.Concat(Enumerable.Range(0, 500).Select(i => i.ToString("D4")));
        using var h = new ResilienceHarness(Buffering(memRequest: 16), new ScriptedServer(Ok));
        var r = await h.SendAsync("POST", body);
        await Assert.That(r.Status).IsEqualTo(200);
        await Assert.That(h.Server.Bodies.Single()).IsEqualTo(body);

        await using var spool = new SpoolBuffer(16, 0);
        await spool.WriteAsync(System.Text.Encoding.ASCII.GetBytes(body));
        await Assert.That(spool.OnDisk).IsTrue();
        spool.Rewind();
        await Assert.That(await new StreamReader(spool).ReadToEndAsync()).IsEqualTo(body);
    }

    [Test]
    [Arguments("IsNetworkError() && Attempts() < 3", new[] { Refuse, Refuse, Ok }, 200, 3)]
    [Arguments("IsNetworkError() && Attempts() < 2", new[] { Refuse, Refuse, Ok }, 502, 2)]
    [Arguments("ResponseCode() == 503", new[] { Status503, Status503, Ok }, 200, 3)]
    [Arguments("ResponseCode() >= 500 && Attempts() <= 1", new[] { Status500, Status503, Ok }, 503, 2)]
    [Arguments("ResponseCode() == 503", new[] { Status503 }, 503, 10)]   // oxy's 10 attempts at most
    [Arguments("IsNetworkError()", new[] { Status500, Ok }, 500, 1)]
    public async Task RetryExpression_sends_the_request_again_while_it_holds(string expression, ScriptedServer.Step[] steps, int status, int calls)
    {
        using var h = new ResilienceHarness(Buffering(retry: expression), new ScriptedServer(steps));
        var r = await h.SendAsync("POST", "again");
        await Assert.That(r.Status).IsEqualTo(status);
        await Assert.That(h.Server.Calls).IsEqualTo(calls);
        await Assert.That(h.Server.Bodies.All(b => b == "again")).IsTrue().Because("every attempt that reached the server sent the whole body");
        if (status == 200) await Assert.That(r.Body).IsEqualTo($"call {calls}: again");
    }

    [Test]
    [Arguments(-1L, null, "maxRequestBodyBytes should not be negative, got -1")]
    [Arguments(null, "Attempts() < x", "cannot parse expression \"Attempts() < x\": the right of < must be a number literal, at offset 13")]
    [Arguments(null, "NetworkErrorRatio() > 0.5", "cannot parse expression \"NetworkErrorRatio() > 0.5\": unsupported function NetworkErrorRatio, expected one of Attempts, ResponseCode, IsNetworkError")]
    public async Task Bad_options_put_the_middleware_in_error(long? maxRequest, string? retry, string expected)
    {
        var built = MiddlewareBuilder.Create(Buffering(maxRequest, retry: retry), out var error);
        await Assert.That(built).IsNull();
        await Assert.That(error).IsEqualTo(expected);
    }
}
