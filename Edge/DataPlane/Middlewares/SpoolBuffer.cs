namespace Edge.DataPlane.Middlewares;

/// <summary>A body larger than the buffering middleware allows (oxy's multibuf MaxSizeReachedError).</summary>
internal sealed class BufferLimitExceededException(long max) : Exception($"Maximum size {max} was reached")
{
    public long Max { get; } = max;
}

/// <summary>
/// A body kept whole, as oxy's multibuf: in memory up to <c>memBytes</c>, then in a temporary file
/// (deleted when closed); writing past <c>maxBytes</c> (when positive) throws
/// <see cref="BufferLimitExceededException"/>. Written first, then rewound and read (or sent again).
/// </summary>
internal sealed class SpoolBuffer(long memBytes, long maxBytes) : Stream
{
    private Stream _current = new MemoryStream();
    private bool _onDisk;
    private long _length;

    public bool OnDisk => _onDisk;
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _current.Position; set => _current.Position = value; }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public override long Seek(long offset, SeekOrigin origin) => _current.Seek(offset, origin);
    public override void SetLength(long value) => throw new NotSupportedException();

    public void Rewind() => _current.Position = 0;

    /// <summary>Forgets what was written (a retried response).</summary>
    public void Clear()
    {
        _current.Dispose();
        _current = new MemoryStream();
        _onDisk = false;
        _length = 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => _current.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => _current.ReadAsync(buffer, ct);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => _current.ReadAsync(buffer, offset, count, ct);

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        if (maxBytes > 0 && _length + buffer.Length > maxBytes) throw new BufferLimitExceededException(maxBytes);
        if (!_onDisk && _length + buffer.Length > memBytes)
        {
            var file = new FileStream(Path.Combine(Path.GetTempPath(), "edge-buffer-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew,
                FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            _current.Position = 0;
            await _current.CopyToAsync(file, ct).ConfigureAwait(false);
            _current.Dispose();
            _current = file;
            _onDisk = true;
        }
        await _current.WriteAsync(buffer, ct).ConfigureAwait(false);
        _length += buffer.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current.Dispose();
        base.Dispose(disposing);
    }
}
