using Edge.Observability.Tracing;

namespace Edge.Tests.Observability.Tracing;

/// <summary>W3C trace context as the tracecontext propagator reads and writes it (https://www.w3.org/TR/trace-context/).</summary>
public class TraceContextTests
{
    [Test]
    [Arguments("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true, true)]
    [Arguments("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true, false)]
    [Arguments("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09", true, true)]       // other flag bits: only "sampled" counts
    [Arguments("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", true, true)] // a future version may append fields
    [Arguments("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", false, false)] // version 00 has exactly four
    [Arguments("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false, false)]     // version ff is invalid
    [Arguments("00-00000000000000000000000000000000-00f067aa0ba902b7-01", false, false)]     // all-zero trace id
    [Arguments("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false, false)]     // all-zero parent id
    [Arguments("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", false, false)]     // upper-case hex is not allowed
    [Arguments("00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01", false, false)]     // dashes in the wrong place
    [Arguments("garbage", false, false)]
    [Arguments("", false, false)]
    public async Task Traceparent_is_parsed_as_the_specification_says(string header, bool valid, bool sampled)
    {
        bool ok = TraceContext.TryParse(header, out var c);
        await Assert.That(ok).IsEqualTo(valid);
        if (!valid) return;
        await Assert.That(c.Sampled).IsEqualTo(sampled);
        await Assert.That(c.TraceId).IsEqualTo(UInt128.Parse("4bf92f3577b34da6a3ce929d0e0e4736", System.Globalization.NumberStyles.HexNumber));
        await Assert.That(c.SpanId).IsEqualTo(0x00f067aa0ba902b7UL);
    }

    [Test]
    public async Task A_context_is_written_as_a_version_00_traceparent_that_parses_back()
    {
        var c = new TraceContext(UInt128.Parse("0af7651916cd43dd8448eb211c80319c", System.Globalization.NumberStyles.HexNumber), 0xb7ad6b7169203331UL, true);
        await Assert.That(c.ToTraceParent()).IsEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var unsampled = c with { Sampled = false };
        await Assert.That(unsampled.ToTraceParent()).EndsWith("-00");
        await Assert.That(TraceContext.TryParse(c.ToTraceParent(), out var back)).IsTrue();
        await Assert.That(back).IsEqualTo(c);
    }

    [Test]
    public async Task New_ids_are_never_zero_and_do_not_repeat()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => TraceContext.NewSpanId()).ToHashSet();
        await Assert.That(ids.Count).IsEqualTo(1000);
        await Assert.That(ids.Contains(0UL)).IsFalse();
        await Assert.That(TraceContext.NewTraceId()).IsNotEqualTo(UInt128.Zero);
    }
}
