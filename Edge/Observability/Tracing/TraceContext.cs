using System.Buffers.Binary;

namespace Edge.Observability.Tracing;

/// <summary>
/// A W3C trace context (https://www.w3.org/TR/trace-context/): the 16-byte trace id, the 8-byte id
/// of the span, and the sampled flag. Parsed from an incoming <c>traceparent</c> and written into
/// the request sent to a backend, as Traefik's tracecontext propagator does.
/// </summary>
public readonly record struct TraceContext(UInt128 TraceId, ulong SpanId, bool Sampled)
{
    public bool IsValid => TraceId != UInt128.Zero && SpanId != 0;

    /// <summary>Parses <c>traceparent</c>; a malformed value (or the all-zero ids the spec forbids) gives false, and a new trace starts.</summary>
    public static bool TryParse(string? header, out TraceContext context)
    {
        context = default;
        if (header is null) return false;
        var s = header.AsSpan().Trim();
        // version "-" trace-id "-" parent-id "-" flags; a future version may append fields after a dash.
        if (s.Length < 55 || s[2] != '-' || s[35] != '-' || s[52] != '-' || (s.Length > 55 && s[55] != '-')) return false;
        if (!Hex(s[..2], out var version) || version == 0xff || (version == 0 && s.Length != 55)) return false;
        if (!Hex(s.Slice(3, 16), out var hi) || !Hex(s.Slice(19, 16), out var lo) || !Hex(s.Slice(36, 16), out var span) || !Hex(s.Slice(53, 2), out var flags))
            return false;
        context = new TraceContext(new UInt128(hi, lo), span, (flags & 1) != 0);
        return context.IsValid;
    }

    public string ToTraceParent() => string.Create(55, this, static (dst, c) =>
    {
        "00-".CopyTo(dst);
        ((ulong)(c.TraceId >> 64)).TryFormat(dst[3..], out _, "x16");
        ((ulong)c.TraceId).TryFormat(dst[19..], out _, "x16");
        dst[35] = '-';
        c.SpanId.TryFormat(dst[36..], out _, "x16");
        dst[52] = '-';
        dst[53] = '0';
        dst[54] = c.Sampled ? '1' : '0';
    });

    public void WriteTraceId(Span<byte> dst)
    {
        BinaryPrimitives.WriteUInt64BigEndian(dst, (ulong)(TraceId >> 64));
        BinaryPrimitives.WriteUInt64BigEndian(dst[8..], (ulong)TraceId);
    }

    public static UInt128 NewTraceId()
    {
        UInt128 id;
        do id = new UInt128((ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue), (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue));
        while (id == UInt128.Zero);
        return id;
    }

    public static ulong NewSpanId()
    {
        ulong id;
        do id = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        while (id == 0);
        return id;
    }

    private static bool Hex(ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        foreach (var ch in s)
        {
            // Lower-case only, as the specification requires.
            int d = ch is >= '0' and <= '9' ? ch - '0' : ch is >= 'a' and <= 'f' ? ch - 'a' + 10 : -1;
            if (d < 0) return false;
            value = value << 4 | (uint)d;
        }
        return true;
    }
}
