using System.Buffers.Binary;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>A span as a collector sees it after decoding OTLP protobuf: ids in hex, attributes by key.</summary>
public sealed record DecodedSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, ulong StartUnixNanos, ulong EndUnixNanos,
    Dictionary<string, object> Attributes, int StatusCode, string StatusMessage, uint Flags, string Scope,
    Dictionary<string, object> Resource)
{
    public string Attr(string key) => Attributes.TryGetValue(key, out var v) ? v.ToString()! : throw new KeyNotFoundException($"span {Name} has no attribute {key}; has {string.Join(", ", Attributes.Keys)}");
}

/// <summary>
/// Decodes an OTLP ExportTraceServiceRequest with a protobuf reader written from the wire-format
/// specification, independent of Edge's encoder: what a collector would read from Edge.
/// </summary>
public static class OtlpDecoder
{
    public static List<DecodedSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<DecodedSpan>();
        foreach (var (f, rs) in Fields(request.ToArray()))
        {
            if (f != 1) continue;
            var resource = new Dictionary<string, object>();
            foreach (var (rf, rv) in Fields((byte[])rs))
            {
                if (rf == 1)
                    foreach (var (af, kv) in Fields((byte[])rv)) if (af == 1) { var (k, v) = KeyValue((byte[])kv); resource[k] = v; }
                if (rf != 2) continue;
                string scope = "";
                foreach (var (sf, sv) in Fields((byte[])rv))
                {
                    if (sf == 1) scope = Encoding.UTF8.GetString((byte[])Fields((byte[])sv).First(x => x.Field == 1).Value);
                    if (sf == 2) spans.Add(Span((byte[])sv, scope, resource));
                }
            }
        }
        return spans;
    }

    private static DecodedSpan Span(byte[] b, string scope, Dictionary<string, object> resource)
    {
        string trace = "", span = "", parent = "", name = "", message = "";
        int kind = 0, code = 0;
        ulong start = 0, end = 0;
        uint flags = 0;
        var attrs = new Dictionary<string, object>();
        foreach (var (f, v) in Fields(b))
        {
            switch (f)
            {
                case 1: trace = Convert.ToHexStringLower((byte[])v); break;
                case 2: span = Convert.ToHexStringLower((byte[])v); break;
                case 4: parent = Convert.ToHexStringLower((byte[])v); break;
                case 5: name = Encoding.UTF8.GetString((byte[])v); break;
                case 6: kind = (int)(ulong)v; break;
                case 7: start = (ulong)v; break;
                case 8: end = (ulong)v; break;
                case 9: var (k, a) = KeyValue((byte[])v); attrs[k] = a; break;
                case 15:
                    foreach (var (sf, sv) in Fields((byte[])v))
                    {
                        if (sf == 2) message = Encoding.UTF8.GetString((byte[])sv);
                        if (sf == 3) code = (int)(ulong)sv;
                    }
                    break;
                case 16: flags = (uint)(ulong)v; break;
            }
        }
        return new DecodedSpan(trace, span, parent, name, kind, start, end, attrs, code, message, flags, scope, resource);
    }

    private static (string, object) KeyValue(byte[] b)
    {
        string key = "";
        object value = "";
        foreach (var (f, v) in Fields(b))
        {
            if (f == 1) key = Encoding.UTF8.GetString((byte[])v);
            if (f == 2) value = AnyValue((byte[])v);
        }
        return (key, value);
    }

    private static object AnyValue(byte[] b)
    {
        foreach (var (f, v) in Fields(b))
        {
            switch (f)
            {
                case 1: return Encoding.UTF8.GetString((byte[])v);
                case 3: return (long)(ulong)v;
                case 5: return string.Join(",", Fields((byte[])v).Where(x => x.Field == 1).Select(x => AnyValue((byte[])x.Value).ToString()));
            }
        }
        return "";
    }

    /// <summary>Top-level fields of a message: varints and fixed numbers as ulong, length-delimited ones as bytes.</summary>
    private static List<(int Field, object Value)> Fields(byte[] b)
    {
        var list = new List<(int, object)>();
        int i = 0;
        while (i < b.Length)
        {
            ulong tag = Varint(b, ref i);
            int field = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0: list.Add((field, Varint(b, ref i))); break;
                case 1: list.Add((field, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(i)))); i += 8; break;
                case 5: list.Add((field, (ulong)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(i)))); i += 4; break;
                case 2:
                    int n = (int)Varint(b, ref i);
                    list.Add((field, b.AsSpan(i, n).ToArray()));
                    i += n;
                    break;
                default: throw new FormatException($"wire type {wire} at {i}");
            }
        }
        return list;
    }

    private static ulong Varint(byte[] b, ref int i)
    {
        ulong v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte x = b[i++];
            v |= (ulong)(x & 0x7f) << shift;
            if (x < 0x80) return v;
        }
    }
}
