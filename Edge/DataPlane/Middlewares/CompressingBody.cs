using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// The response body while a compress middleware decides: bytes are held until the response is
/// known to be compressible (minResponseBodyBytes reached, or a Content-Length at least that
/// large), then the headers are set (Content-Encoding, no Content-Length) and everything goes
/// through the encoder, flushed after each write so a streamed response keeps flowing (Edge sends
/// each chunk from a backend at once). An already encoded response, a type that is excluded (or
/// not included), and a body smaller than the threshold pass as they are. The gzip rules are
/// gzhttp's (Content-Range and a small Content-Length pass, a missing Content-Type is sniffed and
/// set, Accept-Ranges is dropped); the brotli rules are Traefik's own handler's.
/// </summary>
internal sealed class CompressingBody : Stream, IHttpResponseBodyFeature
{
    private enum State { Undecided, Plain, Compressing }

    private readonly HttpContext _ctx;
    private readonly IHttpResponseBodyFeature _inner;
    private readonly CompressRules _rules;
    private readonly string _encoding;
    private readonly bool _gzip;
    private State _state;
    private byte[] _buffer = [];
    private int _buffered;
    private Stream? _encoder;
    private PipeWriter? _writer;

    public CompressingBody(HttpContext ctx, IHttpResponseBodyFeature inner, CompressRules rules, string encoding)
    {
        _ctx = ctx; _inner = inner; _rules = rules; _encoding = encoding;
        _gzip = encoding == CompressMiddleware.Gzip;
    }

    // IHttpResponseBodyFeature
    Stream IHttpResponseBodyFeature.Stream => this;
    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));
    public void DisableBuffering() => _inner.DisableBuffering();
    // The headers go out with the first byte that is not held back (or at the end).
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);
    public Task CompleteAsync() => FinishAsync();

    // Stream
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        switch (_state)
        {
            case State.Plain:
                await _inner.Stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                return;
            case State.Compressing:
                await _encoder!.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                await _encoder.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
        }
        if (data.Length == 0) return;
        Hold(data.Span);
        var decision = Decide();
        if (decision is null) return;
        await StartAsync(decision.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the body: what is still held goes out uncompressed (below the threshold), the encoder writes its trailer.</summary>
    public async Task FinishAsync()
    {
        if (_writer is not null) { await _writer.CompleteAsync().ConfigureAwait(false); _writer = null; }
        if (_state == State.Undecided)
        {
            if (_buffered == 0) return;
            await StartAsync(State.Plain, default).ConfigureAwait(false);
        }
        if (_state == State.Compressing && _encoder is not null)
        {
            await _encoder.DisposeAsync().ConfigureAwait(false);
            _encoder = null;
        }
    }

    private void Hold(ReadOnlySpan<byte> data)
    {
        if (_buffered + data.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffered + data.Length, Math.Max(_rules.MinSize, 512)));
        data.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += data.Length;
    }

    /// <summary>Plain, Compressing, or null to keep holding.</summary>
    private State? Decide()
    {
        var headers = _ctx.Response.Headers;
        if (headers.ContentEncoding.ToString().Length > 0) return State.Plain;
        if (_gzip && headers.ContentRange.ToString().Length > 0) return State.Plain;
        var contentType = headers.ContentType.ToString();
        if (contentType.Length > 0 && !TypeAllowed(contentType)) return State.Plain;
        long length = _gzip ? headers.ContentLength ?? 0 : 0;
        if (length > 0 && length < _rules.MinSize) return State.Plain;
        // A server-sent event stream is never held back: Traefik's flush would start it within 100ms.
        bool stream = contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);
        if (length == 0 && _buffered < _rules.MinSize && !stream) return null;
        if (_gzip && contentType.Length == 0)
        {
            contentType = ContentSniffer.Detect(_buffer.AsSpan(0, _buffered));
            headers.ContentType = contentType;
            if (!TypeAllowed(contentType)) return State.Plain;
        }
        return State.Compressing;
    }

    private bool TypeAllowed(string contentType)
    {
        // An unparsable type is not compressed (gzhttp, and Traefik's handler aligned on it).
        if (MediaType.Parse(contentType, out _) is not { } type) return false;
        if (_rules.Included.Count > 0 && !_rules.Included.Any(i => i.Matches(type))) return false;
        return !_rules.Excluded.Any(e => e.Matches(type));
    }

    private async Task StartAsync(State state, CancellationToken cancellationToken)
    {
        _state = state;
        if (state == State.Compressing)
        {
            var headers = _ctx.Response.Headers;
            headers.ContentLength = null;
            headers.ContentEncoding = _encoding;
            if (_gzip) headers.Remove("Accept-Ranges");
            _encoder = _gzip
                ? new GZipStream(_inner.Stream, new ZLibCompressionOptions { CompressionLevel = 6 }, leaveOpen: true)
                : _encoding == CompressMiddleware.Zstd
                    // Traefik's zstd.NewWriter defaults: SpeedDefault, zstd level 3.
                    ? new ZstdSharp.CompressionStream(_inner.Stream, 3, leaveOpen: true)
                    : new BrotliStream(_inner.Stream, new BrotliCompressionOptions { Quality = 6 }, leaveOpen: true);
            await _encoder.WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
            await _encoder.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _inner.Stream.WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
        }
        _buffer = [];
        _buffered = 0;
    }

    public override async ValueTask DisposeAsync()
    {
        // After a failure (client gone, backend cut) the encoder is released without writing more.
        if (_encoder is not null)
        {
            try { await _encoder.DisposeAsync().ConfigureAwait(false); } catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { }
            _encoder = null;
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
