using Edge.Configuration;
using Edge.Observability.Tracing;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.Observability.Tracing;

/// <summary>Sampling as Traefik configures it: ParentBased(TraceIDRatioBased(sampleRate)).</summary>
public class RequestTracerTests
{
    private static async Task<RequestTrace[]> Begin(double rate, string? traceparent, int n = 1)
    {
        var options = new TracingOptions { SampleRate = rate };
        options.Http.Endpoint = "http://127.0.0.1:9/v1/traces";   // nothing is exported by these tests
        await using var exporter = new SpanExporter(options, []);
        var tracer = new RequestTracer(options, exporter);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var ctx = new DefaultHttpContext();
            ctx.Request.Method = "GET";
            if (traceparent is not null) ctx.Request.Headers["traceparent"] = traceparent;
            return tracer.Begin(ctx, "web");
        }).ToArray();
    }

    [Test]
    public async Task A_sampled_parent_is_followed_even_at_rate_zero_and_an_unsampled_one_even_at_rate_one()
    {
        var child = (await Begin(0, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))[0];
        await Assert.That(child.Server).IsNotNull();
        await Assert.That(child.Server!.ParentSpanId).IsEqualTo(0x00f067aa0ba902b7UL);
        await Assert.That(child.Context.TraceId).IsEqualTo(UInt128.Parse("4bf92f3577b34da6a3ce929d0e0e4736", System.Globalization.NumberStyles.HexNumber));

        var unsampled = (await Begin(1, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))[0];
        await Assert.That(unsampled.Server).IsNull();
        await Assert.That(unsampled.Context.Sampled).IsFalse();
    }

    [Test]
    [Arguments(0.0, 0, 0)]
    [Arguments(1.0, 1000, 1000)]
    [Arguments(0.25, 170, 330)]     // 1000 roots at 25%: well inside these bounds unless the ratio is wrong
    public async Task Roots_are_sampled_at_the_rate(double rate, int min, int max)
    {
        var traces = await Begin(rate, null, 1000);
        int sampled = traces.Count(t => t.Server is not null);
        await Assert.That(sampled).IsBetween(min, max);
    }

    [Test]
    public async Task A_malformed_traceparent_starts_a_new_root()
    {
        var t = (await Begin(1, "00-zzzz-00f067aa0ba902b7-01"))[0];
        await Assert.That(t.Server!.ParentSpanId).IsEqualTo(0UL);
        await Assert.That(t.Context.IsValid).IsTrue();
    }
}
