using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// The response body for the errors middleware (Traefik's codeCatcher and codeModifier): when the
/// first byte is written (or the response ends) the status is looked at; a status in the caught
/// ranges keeps the response unsent and its body is dropped, so the error page can replace it.
/// With <c>forceStatus</c>, it is the error page's own response whose status is replaced.
/// </summary>
internal sealed class StatusCatchingBody(HttpContext ctx, IHttpResponseBodyFeature inner, HttpStatusRanges? ranges, int? forceStatus)
    : Stream, IHttpResponseBodyFeature
{
    private bool _decided;
    private PipeWriter? _writer;

    /// <summary>The status was in the ranges: nothing of the response was sent.</summary>
    public bool Caught { get; private set; }
    public int CaughtStatus { get; private set; }

    Stream IHttpResponseBodyFeature.Stream => this;
    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));
    public void DisableBuffering() => inner.DisableBuffering();
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Decide();
        return Caught ? Task.CompletedTask : inner.StartAsync(cancellationToken);
    }
    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);
    public Task CompleteAsync() => FinishAsync();

    public async Task FinishAsync()
    {
        if (_writer is not null) { await _writer.CompleteAsync().ConfigureAwait(false); _writer = null; }
        Decide();
    }

    private void Decide()
    {
        if (_decided) return;
        _decided = true;
        if (forceStatus is { } status) { ctx.Response.StatusCode = status; return; }
        var code = ctx.Response.StatusCode;
        if (ranges is not null && ranges.Contains(code)) { Caught = true; CaughtStatus = code; }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Caught ? Task.CompletedTask : inner.Stream.FlushAsync(cancellationToken);
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Decide();
        return Caught ? ValueTask.CompletedTask : inner.Stream.WriteAsync(data, cancellationToken);
    }
}

/// <summary>Traefik's types.HTTPCodeRanges: "500", "500,502", "500-599", "404,418,500-599".</summary>
internal sealed class HttpStatusRanges(List<(int From, int To)> ranges)
{
    public static HttpStatusRanges? Parse(IEnumerable<string> values, out string? error)
    {
        error = null;
        var list = new List<(int, int)>();
        foreach (var value in values)
            foreach (var part in value.Split(','))
            {
                var bounds = part.Split('-');
                if (bounds.Length > 2 || !int.TryParse(bounds[0], out var from) || !int.TryParse(bounds[^1], out var to))
                {
                    var bad = bounds.FirstOrDefault(b => !int.TryParse(b, out _)) ?? part;
                    error = $"strconv.Atoi: parsing \"{bad}\": invalid syntax";
                    return null;
                }
                list.Add((from, to));
            }
        return new HttpStatusRanges(list);
    }

    public bool Contains(int code)
    {
        foreach (var (from, to) in ranges) if (code >= from && code <= to) return true;
        return false;
    }
}
