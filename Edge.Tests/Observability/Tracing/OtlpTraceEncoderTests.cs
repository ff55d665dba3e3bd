using Edge.Observability.Tracing;
using Edge.Tests.Support;

namespace Edge.Tests.Observability.Tracing;

/// <summary>The OTLP protobuf Edge sends, read back by an independent decoder as a collector would.</summary>
public class OtlpTraceEncoderTests
{
    [Test]
    public async Task Spans_resource_and_scope_survive_the_wire_format()
    {
        var trace = new TraceContext(UInt128.Parse("0af7651916cd43dd8448eb211c80319c", System.Globalization.NumberStyles.HexNumber), 0xb7ad6b7169203331UL, true);
        var server = new SpanRecord("GET", SpanKind.Server, trace, 0x00f067aa0ba902b7UL, 1_700_000_000_000_000_000) { EndUnixNanos = 1_700_000_000_500_000_000, Status = SpanStatus.Error, StatusMessage = "boom" };
        server.Set("entry_point", "web").Set("client.port", 54321).Set("http.request.header.x-tenant", ["a", "b"]);
        // A long attribute forces a multi-byte length in front of nested messages.
        server.Set("url.path", "/" + new string('p', 300));
        var client = new SpanRecord("ReverseProxy", SpanKind.Client, trace with { SpanId = 0x1111111111111111UL }, trace.SpanId, 1_700_000_000_100_000_000) { EndUnixNanos = 1_700_000_000_400_000_000 };
        var w = new ProtobufWriter();
        OtlpTraceEncoder.Encode(w, [new("service.name", "traefik"), new("deployment.environment", "test")], [client, server]);

        var spans = OtlpDecoder.Decode(w.Written);
        await Assert.That(spans.Count).IsEqualTo(2);
        var s = spans.Single(x => x.Name == "GET");
        await Assert.That(s.TraceId).IsEqualTo("0af7651916cd43dd8448eb211c80319c");
        await Assert.That(s.SpanId).IsEqualTo("b7ad6b7169203331");
        await Assert.That(s.ParentSpanId).IsEqualTo("00f067aa0ba902b7");
        await Assert.That(s.Kind).IsEqualTo(2);
        await Assert.That(s.StartUnixNanos).IsEqualTo(1_700_000_000_000_000_000UL);
        await Assert.That(s.EndUnixNanos).IsEqualTo(1_700_000_000_500_000_000UL);
        await Assert.That(s.StatusCode).IsEqualTo(2);
        await Assert.That(s.StatusMessage).IsEqualTo("boom");
        await Assert.That(s.Flags).IsEqualTo(1u);
        await Assert.That(s.Attr("entry_point")).IsEqualTo("web");
        await Assert.That(s.Attributes["client.port"]).IsEqualTo(54321L);
        await Assert.That(s.Attr("http.request.header.x-tenant")).IsEqualTo("a,b");
        await Assert.That(s.Attr("url.path").Length).IsEqualTo(301);
        await Assert.That(s.Scope).IsEqualTo("github.com/traefik/traefik");
        await Assert.That(s.Resource["service.name"]).IsEqualTo("traefik");
        await Assert.That(s.Resource["deployment.environment"]).IsEqualTo("test");
        var c = spans.Single(x => x.Name == "ReverseProxy");
        await Assert.That(c.ParentSpanId).IsEqualTo("b7ad6b7169203331");
        await Assert.That(c.Kind).IsEqualTo(3);
        await Assert.That(c.StatusCode).IsEqualTo(0);
    }
}
