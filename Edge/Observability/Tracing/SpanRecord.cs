namespace Edge.Observability.Tracing;

/// <summary>OTLP's span kinds (opentelemetry-proto trace.proto SpanKind).</summary>
public enum SpanKind { Internal = 1, Server = 2, Client = 3 }

/// <summary>OTLP's status codes: Unset, Ok, Error.</summary>
public enum SpanStatus { Unset = 0, Ok = 1, Error = 2 }

/// <summary>
/// One finished or running span, as the exporter encodes it. Attributes are string, integer or
/// string-list values (all that Traefik's HTTP spans carry). Only sampled spans are recorded.
/// </summary>
public sealed class SpanRecord(string name, SpanKind kind, TraceContext context, ulong parentSpanId, long startUnixNanos)
{
    public string Name { get; } = name;
    public SpanKind Kind { get; } = kind;
    public TraceContext Context { get; } = context;
    public ulong ParentSpanId { get; } = parentSpanId;
    public long StartUnixNanos { get; } = startUnixNanos;
    public long EndUnixNanos { get; set; }
    public SpanStatus Status { get; set; }
    public string StatusMessage { get; set; } = "";
    public List<SpanAttribute> Attributes { get; } = new(20);

    public SpanRecord Set(string key, string value) { Attributes.Add(new(key, value, 0, null)); return this; }
    public SpanRecord Set(string key, long value) { Attributes.Add(new(key, null, value, null)); return this; }
    public SpanRecord Set(string key, string[] values) { Attributes.Add(new(key, null, 0, values)); return this; }

    /// <summary>The value of a string attribute (tests, and the access log's trace fields).</summary>
    public string? Get(string key) => Attributes.FindLast(a => a.Key == key).String;
}

/// <summary>A span attribute: a string, a string array, or else an integer.</summary>
public readonly record struct SpanAttribute(string Key, string? String, long Int, string[]? Strings);
