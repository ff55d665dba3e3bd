using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Edge.Tests.Support;

namespace Edge.Tests.DataPlane.Health;

/// <summary>
/// A loopback Kestrel backend whose health the test flips: <c>/health</c> answers 200 while
/// <see cref="Healthy"/> and 503 otherwise (or the gRPC health protocol with <c>grpc: true</c>,
/// HTTP/2 prior knowledge); every other path answers its name. Health checks and traffic are
/// counted apart, and the last health check's method, target and headers are kept. /status/N answers N.
/// </summary>
public sealed class HealthBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _checks, _traffic;
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public string Name { get; }
    public volatile bool Healthy = true;
    /// <summary>Milliseconds the health endpoint waits before answering (a slow server, for the timeout).</summary>
    public volatile int HealthDelayMs;
    public int Checks => Volatile.Read(ref _checks);
    public int Traffic => Volatile.Read(ref _traffic);
    public string? LastCheckMethod { get; private set; }
    public string? LastCheckTarget { get; private set; }
    public Dictionary<string, string> LastCheckHeaders { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    private HealthBackend(WebApplication app, int port, string name) { _app = app; Port = port; Name = name; }

    public static async Task<HealthBackend> StartAsync(string name, bool grpc = false)
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        var app = builder.Build();
        var backend = new HealthBackend(app, port, name);
        app.Run(ctx => backend.HandleAsync(ctx, grpc));
        await app.StartAsync();
        return backend;
    }

    private async Task HandleAsync(HttpContext ctx, bool grpc)
    {
        var path = ctx.Request.Path.Value ?? "";
        if (grpc && path == "/grpc.health.v1.Health/Check")
        {
            Interlocked.Increment(ref _checks);
            ctx.Response.ContentType = "application/grpc";
            // HealthCheckResponse{status: SERVING (1) or NOT_SERVING (2)}, one uncompressed message.
            await ctx.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 2, 0x08, (byte)(Healthy ? 1 : 2) });
            ctx.Response.AppendTrailer("grpc-status", "0");
            return;
        }
        if (path.StartsWith("/health", StringComparison.Ordinal) || path == "/moved")
        {
            Interlocked.Increment(ref _checks);
            LastCheckMethod = ctx.Request.Method;
            LastCheckTarget = path + ctx.Request.QueryString.Value;
            LastCheckHeaders = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            if (HealthDelayMs > 0) await Task.Delay(HealthDelayMs, ctx.RequestAborted);
            if (path == "/health/redirect") { ctx.Response.StatusCode = 302; ctx.Response.Headers.Location = "/moved"; return; }
            if (path == "/moved") { ctx.Response.StatusCode = 500; return; }
            ctx.Response.StatusCode = Healthy ? 200 : 503;
            return;
        }
        Interlocked.Increment(ref _traffic);
        if (path.StartsWith("/status/", StringComparison.Ordinal) && int.TryParse(path["/status/".Length..], out var status)) ctx.Response.StatusCode = status;
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync();
        await ctx.Response.WriteAsync(Name + (body.Length > 0 ? ":" + body : ""));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
