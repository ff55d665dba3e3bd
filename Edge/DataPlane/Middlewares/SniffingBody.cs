using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// A response body that, on its first non-empty write, sets the Content-Type Go's server would
/// sniff when none is set: not for an encoded response (Content-Encoding), a Transfer-Encoding
/// one, or a status without a body (1xx, 204, 304), as net/http decides. Everything passes through
/// unchanged; the sniffed bytes are those of the first write (up to 512, Go's window).
/// </summary>
internal sealed class SniffingBody(HttpContext ctx, IHttpResponseBodyFeature inner) : Stream, IHttpResponseBodyFeature
{
    private bool _decided;
    private PipeWriter? _writer;

    Stream IHttpResponseBodyFeature.Stream => this;
    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));
    public void DisableBuffering() => inner.DisableBuffering();
    // Starting before the first byte would send the headers before the type is known: held until a write (or the end).
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);
    public async Task CompleteAsync()
    {
        await CompleteWriterAsync().ConfigureAwait(false);
        await inner.CompleteAsync().ConfigureAwait(false);
    }

    public async Task CompleteWriterAsync()
    {
        if (_writer is not null) { await _writer.CompleteAsync().ConfigureAwait(false); _writer = null; }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Flush() { if (_decided) inner.Stream.Flush(); }
    public override Task FlushAsync(CancellationToken cancellationToken) => _decided ? inner.Stream.FlushAsync(cancellationToken) : Task.CompletedTask;
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (!_decided && data.Length > 0)
        {
            _decided = true;
            Sniff(data.Span);
        }
        return inner.Stream.WriteAsync(data, cancellationToken);
    }

    private void Sniff(ReadOnlySpan<byte> first)
    {
        if (ctx.Response.HasStarted) return;
        var headers = ctx.Response.Headers;
        int status = ctx.Response.StatusCode;
        if (headers.ContainsKey("Content-Type") || headers.ContentEncoding.ToString().Length > 0
            || headers.ContainsKey("Transfer-Encoding") || status is < 200 or 204 or 304) return;
        headers.ContentType = ContentSniffer.Detect(first);
    }
}
