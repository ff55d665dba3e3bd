namespace Edge.DataPlane.Middlewares;

/// <summary>
/// The body of an <c>application/grpc-web-text</c> request, decoded as it is read: standard
/// base64, line breaks ignored (as Go's decoder). Unlike Go's streaming decoder, padding may also
/// end a 4-character group in the middle of the stream, so a client that encodes each message on
/// its own (concatenated padded segments) is read too. Anything else is an <see cref="IOException"/>
/// and the forward fails.
/// </summary>
internal sealed class Base64DecodingStream(Stream inner) : Stream
{
    private readonly byte[] _in = new byte[4096];
    private readonly char[] _group = new char[4];
    private int _groupLength;
    private readonly byte[] _out = new byte[3 * 4096 / 4 + 3];
    private int _outStart, _outEnd;
    private bool _eof;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outStart == _outEnd)
        {
            if (_eof) return 0;
            int n = await inner.ReadAsync(_in, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                _eof = true;
                if (_groupLength != 0) throw new IOException("illegal base64 data: the body ends inside a 4-character group");
                return 0;
            }
            Decode(_in.AsSpan(0, n));
        }
        int count = Math.Min(buffer.Length, _outEnd - _outStart);
        _out.AsSpan(_outStart, count).CopyTo(buffer.Span);
        _outStart += count;
        return count;
    }

    private void Decode(ReadOnlySpan<byte> data)
    {
        _outStart = _outEnd = 0;
        foreach (var b in data)
        {
            if (b is (byte)'\r' or (byte)'\n') continue;
            _group[_groupLength++] = (char)b;
            if (_groupLength < 4) continue;
            _groupLength = 0;
            if (!Convert.TryFromBase64Chars(_group, _out.AsSpan(_outEnd), out int written))
                throw new IOException($"illegal base64 data in a grpc-web-text body: \"{new string(_group)}\"");
            _outEnd += written;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
