using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// traefik/grpc-web's grpcWebResponse: the service's gRPC answer as gRPC-Web. Before the first
/// byte the headers are prepared (Content-Type <c>application/grpc</c> → <c>application/grpc-web</c>
/// or <c>-text</c>, the <c>Trailer</c> declaration dropped, <c>Access-Control-Expose-Headers</c>
/// naming every header plus grpc-status and grpc-message); the body passes as is (base64, one
/// padded segment per write, for <c>-text</c>); the service's HTTP trailers are collected here
/// (this is the trailers feature the forwarder sees) and sent at the end as a trailer frame:
/// flag byte 0x80, a 4-byte big-endian length, then the trailers as lower-case
/// <c>name: value\r\n</c> lines in Go's order (sorted), a name already sent as a header left out.
/// </summary>
internal sealed class GrpcWebResponse(HttpContext ctx, IHttpResponseBodyFeature inner, bool text) : Stream, IHttpResponseBodyFeature, IHttpResponseTrailersFeature
{
    private bool _prepared;
    private PipeWriter? _writer;
    private HashSet<string>? _sentHeaders;

    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();

    Stream IHttpResponseBodyFeature.Stream => this;
    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));
    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Prepare();
        return inner.StartAsync(cancellationToken);
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        await FinishAsync().ConfigureAwait(false);
        await inner.CompleteAsync().ConfigureAwait(false);
    }

    private bool _finished;

    /// <summary>finishRequest: the headers if nothing was sent, then the trailer frame.</summary>
    public async Task FinishAsync()
    {
        if (_finished) return;
        _finished = true;
        if (_writer is not null) { await _writer.CompleteAsync().ConfigureAwait(false); _writer = null; }
        Prepare();
        var frame = TrailerFrame(Trailers, _sentHeaders!);
        await WriteOutAsync(frame, default).ConfigureAwait(false);
        await inner.Stream.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>prepareHeaders: done once, before the response starts.</summary>
    private void Prepare()
    {
        if (_prepared) return;
        _prepared = true;
        var headers = ctx.Response.Headers;
        if (ctx.Response.HasStarted) { _sentHeaders = new HashSet<string>(headers.Keys, StringComparer.OrdinalIgnoreCase); return; }
        headers.Remove("Trailer");
        var type = headers.ContentType.ToString();
        if (type.Length > 0)
            headers.ContentType = GrpcWebMiddleware.ReplaceFirst(type, GrpcWebMiddleware.GrpcContentType,
                text ? GrpcWebMiddleware.GrpcWebTextContentType : GrpcWebMiddleware.GrpcWebContentType);
        var exposed = new List<string>();
        foreach (var name in headers.Keys)
            if (!name.Equals("Access-Control-Expose-Headers", StringComparison.OrdinalIgnoreCase)) exposed.Add(CanonicalName(name));
        exposed.Add("grpc-status");
        exposed.Add("grpc-message");
        headers.AccessControlExposeHeaders = string.Join(", ", exposed);
        _sentHeaders = new HashSet<string>(headers.Keys, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The trailer frame of the gRPC-Web protocol, from Go's Header.Write of the lower-cased trailers.</summary>
    internal static byte[] TrailerFrame(IHeaderDictionary trailers, IReadOnlySet<string> sentHeaders)
    {
        var lines = new StringBuilder();
        var names = new List<string>();
        foreach (var name in trailers.Keys)
            if (!name.Equals("Trailer", StringComparison.OrdinalIgnoreCase) && !sentHeaders.Contains(name)) names.Add(name);
        // Go's Header.Write sorts the keys; they are lower case here (the protocol's rule).
        var ordered = names.Select(n => (Key: n.ToLowerInvariant(), Name: n)).OrderBy(n => n.Key, StringComparer.Ordinal);
        foreach (var (key, name) in ordered)
            foreach (var value in trailers[name])
                lines.Append(key).Append(": ").Append(GoHeaderValue(value ?? "")).Append("\r\n");
        var payload = Encoding.UTF8.GetBytes(lines.ToString());
        var frame = new byte[5 + payload.Length];
        frame[0] = 0x80;   // MSB set: a trailer frame, not a message
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>Go's Header.Write: CR and LF become spaces, then surrounding spaces and tabs are trimmed.</summary>
    private static string GoHeaderValue(string v) => v.Replace('\r', ' ').Replace('\n', ' ').Trim(' ', '\t');

    /// <summary>Go's http.CanonicalHeaderKey for a valid token: upper case after the start and each '-', lower case elsewhere.</summary>
    internal static string CanonicalName(string name)
    {
        foreach (var c in name)
            if (c is ' ' or ':' or > '~' or < '!') return name;   // not a token: Go leaves it as is
        var chars = name.ToCharArray();
        bool upper = true;
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = upper ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            upper = chars[i] == '-';
        }
        return new string(chars);
    }

    private ValueTask WriteOutAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!text) return inner.Stream.WriteAsync(data, cancellationToken);
        // base64ResponseWriter closes its encoder on every flush, and the proxy flushes after every
        // write of a streamed answer: each write is one padded base64 segment.
        var encoded = Encoding.ASCII.GetBytes(Convert.ToBase64String(data.Span));
        return inner.Stream.WriteAsync(encoded, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Prepare();
        return data.Length == 0 ? ValueTask.CompletedTask : WriteOutAsync(data, cancellationToken);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Flush() => FlushAsync(default).GetAwaiter().GetResult();
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Prepare();
        return inner.Stream.FlushAsync(cancellationToken);
    }
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
