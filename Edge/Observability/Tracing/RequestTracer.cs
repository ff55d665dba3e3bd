using Edge.Configuration;
using Microsoft.AspNetCore.Http;

namespace Edge.Observability.Tracing;

/// <summary>
/// Traefik's tracer for one Edge process: decides sampling (ParentBased(TraceIDRatioBased)),
/// starts the entry point's server span for every request, and hands finished sampled spans to the
/// exporter. Whether a request is traced at all is known only after routing (router and entry
/// point observability, internal routers): until then its spans are held by its
/// <see cref="RequestTrace"/>, and dropped when it is not.
/// </summary>
public sealed class RequestTracer(TracingOptions options, SpanExporter exporter)
{
    private readonly ulong _sampleBound = options.SampleRate >= 1 ? ulong.MaxValue : (ulong)(options.SampleRate * ulong.MaxValue);
    private readonly bool _sampleAll = options.SampleRate >= 1;
    internal HttpSpanAttributes Attributes { get; } = new(options);
    public bool AddInternals { get; } = options.AddInternals;
    public SpanExporter Exporter => exporter;

    /// <summary>The server span of a request that just arrived, child of its traceparent if it has a valid one.</summary>
    public RequestTrace Begin(HttpContext ctx, string entryPoint)
    {
        var start = RequestTrace.UnixNanosNow();
        bool hasParent = TraceContext.TryParse(ctx.Request.Headers["traceparent"].ToString() is { Length: > 0 } tp ? tp : null, out var parent);
        var traceId = hasParent ? parent.TraceId : TraceContext.NewTraceId();
        bool sampled = hasParent ? parent.Sampled : Sample(traceId);
        var context = new TraceContext(traceId, TraceContext.NewSpanId(), sampled);
        SpanRecord? span = null;
        if (sampled)
        {
            // Semantic conventions: a server span is named after the method alone (its target is not low-cardinality).
            span = new SpanRecord(ctx.Request.Method, SpanKind.Server, context, hasParent ? parent.SpanId : 0, start);
            span.Set("entry_point", entryPoint);
            Attributes.ServerRequest(span, ctx);
        }
        return new RequestTrace(this, context, span);
    }

    /// <summary>TraceIDRatioBased: the low 63 bits of the trace id against the rate, so every hop that samples by ratio agrees.</summary>
    private bool Sample(UInt128 traceId) => _sampleAll || ((ulong)traceId & 0x7fff_ffff_ffff_ffff) < _sampleBound >> 1;

    /// <summary>Ends the request's server span; exports its spans if the request is traced.</summary>
    public void End(HttpContext ctx, RequestTrace trace, bool traced)
    {
        if (!traced || trace.Server is not { } span) return;
        Attributes.Response(span, ctx.Response.Headers, ctx.Response.StatusCode, SpanKind.Server);
        span.EndUnixNanos = RequestTrace.UnixNanosNow();
        foreach (var child in trace.Children) exporter.Enqueue(child);
        exporter.Enqueue(span);
    }
}
