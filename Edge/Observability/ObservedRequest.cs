using Microsoft.AspNetCore.Http;

namespace Edge.Observability;

/// <summary>
/// Per-request observation, set as a feature when metrics or access logs are on: counts the bytes
/// written to the client (it wraps the response body) and carries what the data plane chose
/// (router, service, server). One object per request, the only per-request allocation observability adds.
/// </summary>
public sealed class ObservedRequest(Stream inner) : Stream
{
    public Stream Inner { get; } = inner;
    public long BytesWritten { get; private set; }
    /// <summary>Request body bytes read by the forwarder when the request had no Content-Length (see <see cref="RequestBodyCounter"/>).</summary>
    public long BytesRead { get; set; }
    public string? Router { get; set; }
    public string? Service { get; set; }
    public string? ServerUrl { get; set; }
    /// <summary>Tenancy mode: the namespace of the matched router (metrics label, per-namespace access log).</summary>
    public string? Namespace { get; set; }
    public long OriginTicks { get; set; }
    public int OriginStatus { get; set; }
    /// <summary>The stage a failed forward failed in (the data plane's ForwarderErrors names it), or null.</summary>
    public string? ForwardError { get; set; }
    /// <summary>Served by an internal router (ping, api, dashboard, metrics): not observed unless addInternals.</summary>
    public bool Internal { get; set; }
    /// <summary>The matched router's observability (router, else entry point): false turns the access log line / metrics off.</summary>
    public bool AccessLogs { get; set; } = true;
    public bool Metrics { get; set; } = true;
    /// <summary>How many times a retry middleware re-sent the request (accessLog.filters.retryAttempts).</summary>
    public int RetryAttempts { get; set; }
    /// <summary>The user an auth middleware authenticated (basicAuth, forwardAuth's headerField): the access log's ClientUsername.</summary>
    public string? Username { get; set; }
    /// <summary>The request's spans when tracing is on (see <see cref="Tracing.RequestTracer"/>).</summary>
    public Tracing.RequestTrace? Trace { get; set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => Inner.Flush();
    public override Task FlushAsync(CancellationToken ct) => Inner.FlushAsync(ct);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Inner.Write(buffer, offset, count);
        BytesWritten += count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        BytesWritten += buffer.Length;
        return Inner.WriteAsync(buffer, ct);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public static ObservedRequest? Of(HttpContext ctx) => ctx.Features.Get<ObservedRequest>();
}
