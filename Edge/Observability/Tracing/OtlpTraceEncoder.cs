namespace Edge.Observability.Tracing;

/// <summary>
/// Encodes spans as an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry-proto
/// collector/trace/v1), the body both the HTTP (application/x-protobuf) and the gRPC exporters send.
/// One resource (service.name and the resource attributes), one scope: Traefik's tracer name.
/// </summary>
public static class OtlpTraceEncoder
{
    /// <summary>The instrumentation scope Traefik's tracer reports (tracing.go: "github.com/traefik/traefik").</summary>
    public const string ScopeName = "github.com/traefik/traefik";

    public static void Encode(ProtobufWriter w, IReadOnlyList<KeyValuePair<string, string>> resource, IReadOnlyList<SpanRecord> spans)
    {
        w.Reset();
        w.Begin(1);                                   // ExportTraceServiceRequest.resource_spans
        w.Begin(1);                                   // ResourceSpans.resource
        foreach (var (k, v) in resource) KeyValue(w, 1, new SpanAttribute(k, v, 0, null));
        w.End();
        w.Begin(2);                                   // ResourceSpans.scope_spans
        w.Begin(1);                                   // ScopeSpans.scope
        w.String(1, ScopeName);
        w.String(2, EdgeVersion.Version);
        w.End();
        Span<byte> id = stackalloc byte[16];
        foreach (var s in spans)
        {
            w.Begin(2);                               // ScopeSpans.spans
            s.Context.WriteTraceId(id);
            w.Bytes(1, id);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(id, s.Context.SpanId);
            w.Bytes(2, id[..8]);
            if (s.ParentSpanId != 0)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(id, s.ParentSpanId);
                w.Bytes(4, id[..8]);
            }
            w.String(5, s.Name);
            w.Varint(6, (ulong)s.Kind);
            w.Fixed64(7, (ulong)s.StartUnixNanos);
            w.Fixed64(8, (ulong)s.EndUnixNanos);
            foreach (var a in s.Attributes) KeyValue(w, 9, a);
            if (s.Status != SpanStatus.Unset)
            {
                w.Begin(15);
                if (s.StatusMessage.Length > 0) w.String(2, s.StatusMessage);
                w.Varint(3, (ulong)s.Status);
                w.End();
            }
            w.Fixed32(16, s.Context.Sampled ? 1u : 0u);   // W3C trace flags
            w.End();
        }
        w.End();                                      // scope_spans
        w.End();                                      // resource_spans
    }

    private static void KeyValue(ProtobufWriter w, int field, SpanAttribute a)
    {
        w.Begin(field);
        w.String(1, a.Key);
        w.Begin(2);                                   // AnyValue
        if (a.String is not null) w.String(1, a.String);
        else if (a.Strings is not null)
        {
            w.Begin(5);                               // ArrayValue
            foreach (var s in a.Strings)
            {
                w.Begin(1);
                w.String(1, s);
                w.End();
            }
            w.End();
        }
        else w.Varint(3, (ulong)a.Int);
        w.End();
        w.End();
    }
}
