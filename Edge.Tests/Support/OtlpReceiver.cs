using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.Support;

/// <summary>
/// An OpenTelemetry collector on 127.0.0.1 for the tests: OTLP/HTTP (POST /v1/traces, protobuf,
/// gzip or not) or OTLP/gRPC over h2c (TraceService/Export), decoding every span Edge sends.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    public int Port { get; }
    public ConcurrentQueue<DecodedSpan> Spans { get; } = new();
    public ConcurrentQueue<Dictionary<string, string>> RequestHeaders { get; } = new();
    public string HttpEndpoint => $"http://127.0.0.1:{Port}/v1/traces";
    public string GrpcEndpoint => $"127.0.0.1:{Port}";

    private OtlpReceiver(WebApplication app, int port) { _app = app; Port = port; }

    public static async Task<OtlpReceiver> StartAsync(bool grpc = false)
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, lo => lo.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, port);
        app.Run(async ctx =>
        {
            receiver.RequestHeaders.Enqueue(ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
            var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            var bytes = body.ToArray();
            if (ctx.Request.Path == "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
            {
                // gRPC framing: 1 byte compressed flag, 4 bytes big-endian length.
                int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1));
                foreach (var s in OtlpDecoder.Decode(bytes.AsSpan(5, length))) receiver.Spans.Enqueue(s);
                ctx.Response.ContentType = "application/grpc";
                ctx.Response.AppendTrailer("grpc-status", "0");
                await ctx.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 0 });   // an empty ExportTraceServiceResponse
                return;
            }
            if (ctx.Request.Path != "/v1/traces" || ctx.Request.ContentType != "application/x-protobuf")
            {
                ctx.Response.StatusCode = 415;
                return;
            }
            if (ctx.Request.Headers.ContentEncoding == "gzip")
                bytes = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress).ReadAllBytes();
            foreach (var s in OtlpDecoder.Decode(bytes)) receiver.Spans.Enqueue(s);
            ctx.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until spans satisfying <paramref name="ready"/> arrived, and returns all received.</summary>
    public async Task<List<DecodedSpan>> WaitForAsync(Func<List<DecodedSpan>, bool> ready, Func<string>? context = null)
    {
        List<DecodedSpan> spans = [];
        await Eventually.UntilAsync(() => { spans = [.. Spans]; return ready(spans); }, TimeSpan.FromSeconds(10),
            () => $"spans received: {string.Join(", ", Spans.Select(s => s.Name))}\n{context?.Invoke()}");
        return spans;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal static class StreamExtensions
{
    public static byte[] ReadAllBytes(this Stream s)
    {
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
