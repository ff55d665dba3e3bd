using Microsoft.AspNetCore.Http;

namespace Edge.Observability.Tracing;

/// <summary>
/// The spans of one request: the entry point's server span, and the Router, Service and
/// ReverseProxy spans the data plane opens under it. Carried by <see cref="ObservedRequest"/>.
/// Spans of an unsampled trace are not recorded, but they get ids: the backend still receives a
/// traceparent naming this hop, with the sampled flag off, as OpenTelemetry propagates it.
/// </summary>
public sealed class RequestTrace(RequestTracer tracer, TraceContext context, SpanRecord? server)
{
    private TraceContext _current = context;
    private List<SpanRecord>? _children;

    public TraceContext Context { get; } = context;
    public SpanRecord? Server { get; } = server;
    public IReadOnlyList<SpanRecord> Children => (IReadOnlyList<SpanRecord>?)_children ?? [];

    /// <summary>Set by the data plane after routing: false keeps every span of this request from being exported.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>traceVerbosity detailed: Router and Service spans as well.</summary>
    public bool Detailed { get; set; }
    /// <summary>The traceparent the forwarder sends to the backend (the ReverseProxy span's context).</summary>
    public string? OutgoingTraceParent { get; private set; }

    /// <summary>Opens an internal span (Router, Service) under the current one; close it with <see cref="Close"/>.</summary>
    public SpanScope Open(string name, SpanKind kind = SpanKind.Internal)
    {
        var parent = _current;
        var child = new TraceContext(Context.TraceId, TraceContext.NewSpanId(), Context.Sampled);
        _current = child;
        SpanRecord? span = null;
        if (Context.Sampled)
        {
            span = new SpanRecord(name, kind, child, parent.SpanId, UnixNanosNow());
            (_children ??= new(3)).Add(span);
        }
        return new SpanScope(span, parent, child);
    }

    public void Close(SpanScope scope)
    {
        if (scope.Span is { } s) s.EndUnixNanos = UnixNanosNow();
        _current = scope.Parent;
    }

    /// <summary>Opens the ReverseProxy client span for one forward to <paramref name="serverUrl"/> and sets the traceparent to send.</summary>
    public SpanScope OpenClient(HttpContext ctx, string serverUrl, bool h2c)
    {
        var scope = Open("ReverseProxy", SpanKind.Client);
        OutgoingTraceParent = scope.Context.ToTraceParent();
        if (scope.Span is { } s) tracer.Attributes.ClientRequest(s, ctx, serverUrl, h2c);
        return scope;
    }

    public void CloseClient(HttpContext ctx, SpanScope scope)
    {
        if (scope.Span is { } s) tracer.Attributes.Response(s, ctx.Response.Headers, ctx.Response.StatusCode, SpanKind.Client);
        Close(scope);
    }

    public static long UnixNanosNow() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}

/// <summary>An open span: its record (null when not sampled), its context, and the span it was opened under.</summary>
public readonly record struct SpanScope(SpanRecord? Span, TraceContext Parent, TraceContext Context);
