using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Edge.Configuration;
using Edge.Observability.Logging;

namespace Edge.Observability.Tracing;

/// <summary>
/// OpenTelemetry's batch span processor with an OTLP exporter, as Traefik sets them up: spans are
/// queued (2048 at most; more are dropped and counted, a request never waits), and sent in
/// batches of up to 512 every 5 s — or at once when a batch is full — over HTTP (protobuf, gzip) or
/// gRPC. The OTEL_BSP_* environment variables change those numbers, as in OpenTelemetry's SDKs.
/// </summary>
public sealed class SpanExporter : IAsyncDisposable
{
    private readonly Channel<SpanRecord> _queue;
    private readonly HttpMessageInvoker _client;
    private readonly Uri _target;
    private readonly bool _grpc;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly KeyValuePair<string, string>[] _resource;
    private readonly int _batchSize;
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ProtobufWriter _writer = new();
    private long _dropped, _exported, _failedExports;
    private DateTime _lastFailureLog;

    public long Dropped => Interlocked.Read(ref _dropped);
    public long Exported => Interlocked.Read(ref _exported);

    public SpanExporter(TracingOptions options, IReadOnlyList<KeyValuePair<string, string>> resource, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        int queueSize = EnvInt(env, "OTEL_BSP_MAX_QUEUE_SIZE", 2048);
        _batchSize = Math.Min(queueSize, EnvInt(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512));
        _delay = TimeSpan.FromMilliseconds(EnvInt(env, "OTEL_BSP_SCHEDULE_DELAY", 5000));
        _queue = Channel.CreateBounded<SpanRecord>(new BoundedChannelOptions(queueSize)
        {
            FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true,
        }, _ => Interlocked.Increment(ref _dropped));
        _grpc = options.UseGrpc;
        var exporter = _grpc ? options.Grpc : options.Http;
        _target = Target(options);
        _headers = [.. exporter.Headers];
        _resource = [.. resource];
        var handler = new SocketsHttpHandler
        {
            UseProxy = false, UseCookies = false, AllowAutoRedirect = false, ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (!Edge.Security.ClientTls.TryApply(handler, exporter.TlsCa, exporter.TlsCert, exporter.TlsKey, exporter.TlsInsecureSkipVerify, out var error))
            throw new ConfigException("tracing.otlp." + (_grpc ? "grpc" : "http") + ".tls", "a loadable TLS configuration (" + error + ")");
        _client = new HttpMessageInvoker(handler);
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public static Uri Target(TracingOptions options) => options.ExportUri();

    /// <summary>Queues a finished span; never blocks (a full queue drops it, as OpenTelemetry's processor does).</summary>
    public void Enqueue(SpanRecord span) => _queue.Writer.TryWrite(span);

    private async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<SpanRecord>(_batchSize);
        var reader = _queue.Reader;
        while (true)
        {
            bool more;
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(_delay);
                // Wake up on the first span, then collect for the schedule delay or until a full batch.
                more = await reader.WaitToReadAsync(ct).ConfigureAwait(false);
                while (more && batch.Count < _batchSize)
                {
                    while (batch.Count < _batchSize && reader.TryRead(out var s)) batch.Add(s);
                    if (batch.Count >= _batchSize) break;
                    try { more = await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested) { break; }
                }
            }
            catch (OperationCanceledException) { more = false; }
            if (batch.Count > 0) await ExportAsync(batch, CancellationToken.None).ConfigureAwait(false);
            batch.Clear();
            if (ct.IsCancellationRequested)
            {
                // Shutting down: what is still queued goes out in full batches.
                while (reader.TryRead(out var s))
                {
                    batch.Add(s);
                    if (batch.Count == _batchSize) { await ExportAsync(batch, CancellationToken.None).ConfigureAwait(false); batch.Clear(); }
                }
                if (batch.Count > 0) await ExportAsync(batch, CancellationToken.None).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task ExportAsync(List<SpanRecord> batch, CancellationToken ct)
    {
        OtlpTraceEncoder.Encode(_writer, _resource, batch);
        using var request = _grpc ? GrpcRequest(_writer.Written) : HttpRequest(_writer.Written);
        foreach (var (k, v) in _headers) request.Headers.TryAddWithoutValidation(k, v);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        string? failure;
        try
        {
            using var response = await _client.SendAsync(request, timeout.Token).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(timeout.Token).ConfigureAwait(false);
            failure = !response.IsSuccessStatusCode ? $"HTTP {(int)response.StatusCode}"
                : _grpc ? GrpcFailure(response) : null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            failure = e.Message;
        }
        if (failure is null)
        {
            Interlocked.Add(ref _exported, batch.Count);
            return;
        }
        Interlocked.Add(ref _dropped, batch.Count);
        Interlocked.Increment(ref _failedExports);
        // One line a minute at most: a collector that is down must not flood the log.
        if (DateTime.UtcNow - _lastFailureLog > TimeSpan.FromMinutes(1))
        {
            _lastFailureLog = DateTime.UtcNow;
            Log.Warn("Spans could not be exported to the OpenTelemetry collector", ("endpoint", _target.ToString()), ("error", failure),
                ("spans", batch.Count), ("failedExports", Interlocked.Read(ref _failedExports)));
        }
    }

    private HttpRequestMessage HttpRequest(ReadOnlySpan<byte> body)
    {
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(body);
        var content = new ByteArrayContent(gz.GetBuffer(), 0, (int)gz.Length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        return new HttpRequestMessage(HttpMethod.Post, _target) { Content = content, Version = HttpVersion.Version11 };
    }

    private HttpRequestMessage GrpcRequest(ReadOnlySpan<byte> body)
    {
        // gRPC's length-prefixed message: a compressed flag (0) and the length, big-endian.
        var framed = new byte[5 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)body.Length);
        body.CopyTo(framed.AsSpan(5));
        var content = new ByteArrayContent(framed);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, _target)
        {
            Content = content, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    /// <summary>gRPC reports its outcome in grpc-status (a trailer, or a header in a trailers-only answer).</summary>
    private static string? GrpcFailure(HttpResponseMessage response)
    {
        string? status = response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.FirstOrDefault()
            : response.Headers.TryGetValues("grpc-status", out var h) ? h.FirstOrDefault() : null;
        if (status == "0") return null;
        var message = response.TrailingHeaders.TryGetValues("grpc-message", out var m) ? m.FirstOrDefault() : null;
        return $"grpc-status {status ?? "missing"} {message}".TrimEnd();
    }

    private static int EnvInt(Func<string, string?> env, string name, int def) =>
        int.TryParse(env(name), out var v) && v > 0 ? v : def;

    public async ValueTask DisposeAsync()
    {
        // Cancel first: the loop then drains what is queued and returns (completing first would let it spin).
        _stop.Cancel();
        _queue.Writer.TryComplete();
        try { await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (TimeoutException) { Log.Warn("Spans still queued at shutdown were not exported", ("endpoint", _target.ToString())); }
        _client.Dispose();
        _stop.Dispose();
    }
}
