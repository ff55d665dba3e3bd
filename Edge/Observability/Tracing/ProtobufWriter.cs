using System.Buffers.Binary;
using System.Text;

namespace Edge.Observability.Tracing;

/// <summary>
/// The protobuf wire format, the small part OTLP needs: varints, fixed64/fixed32, length-delimited
/// strings, bytes and nested messages. A nested message is written in place and its length
/// inserted in front of it when it ends, so no message is built twice.
/// </summary>
public sealed class ProtobufWriter
{
    private byte[] _buffer = new byte[4096];
    private int _length;
    private readonly Stack<int> _open = new();

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Reset() { _length = 0; _open.Clear(); }

    public void Varint(int field, ulong value)
    {
        Tag(field, 0);
        RawVarint(value);
    }

    public void Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), value);
    }

    public void Fixed32(int field, uint value)
    {
        Tag(field, 5);
        BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);
    }

    public void String(int field, string value)
    {
        Tag(field, 2);
        int n = Encoding.UTF8.GetByteCount(value);
        RawVarint((ulong)n);
        Encoding.UTF8.GetBytes(value, Grow(n));
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        RawVarint((ulong)value.Length);
        value.CopyTo(Grow(value.Length));
    }

    /// <summary>Starts a nested message; <see cref="End"/> closes the innermost one.</summary>
    public void Begin(int field)
    {
        Tag(field, 2);
        _open.Push(_length);
    }

    public void End()
    {
        int start = _open.Pop();
        int size = _length - start;
        Span<byte> prefix = stackalloc byte[10];
        int p = 0;
        ulong v = (ulong)size;
        while (v >= 0x80) { prefix[p++] = (byte)(v | 0x80); v >>= 7; }
        prefix[p++] = (byte)v;
        Grow(p);
        Array.Copy(_buffer, start, _buffer, start + p, size);
        prefix[..p].CopyTo(_buffer.AsSpan(start));
    }

    private void Tag(int field, int wireType) => RawVarint((ulong)(field << 3 | wireType));

    private void RawVarint(ulong v)
    {
        while (v >= 0x80)
        {
            Grow(1)[0] = (byte)(v | 0x80);
            v >>= 7;
        }
        Grow(1)[0] = (byte)v;
    }

    private Span<byte> Grow(int n)
    {
        if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
        var span = _buffer.AsSpan(_length, n);
        _length += n;
        return span;
    }
}
