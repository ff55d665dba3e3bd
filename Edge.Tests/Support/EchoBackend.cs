using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.Support;

/// <summary>
/// A backend on a loopback address that answers with what it received: its name, the method, the
/// raw target, the headers (JSON). /ws echoes WebSocket messages, /slow?ms=N waits before answering,
/// /bytes?n=N streams N bytes, /upload counts the request body.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    public string Name { get; }
    public string Address { get; }
    public int Port { get; }
    public int Requests => _requests;
    private int _requests;
    /// <summary>Connections open now (a proxy's pooled ones included): proof that idle ones were closed.</summary>
    public int OpenConnections => Volatile.Read(ref _open);
    private int _open;

    private EchoBackend(WebApplication app, string name, string address, int port)
    {
        _app = app; Name = name; Address = address; Port = port;
    }

    /// <param name="tls">Serve HTTPS with this certificate (a TLS backend behind a ServersTransport).</param>
    public static async Task<EchoBackend> StartAsync(string name, string address = "127.0.0.1", int port = 0, bool h2c = false,
        System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null, bool requireClientCertificate = false)
    {
        if (port == 0) port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        EchoBackend? backend = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            // Headers as large as any proxy limit under test pass through to here: a 431 is the proxy's.
            k.Limits.MaxRequestHeadersTotalSize = 1 << 20;
            k.Limits.MaxRequestLineSize = 1 << 20;
            k.Listen(IPAddress.Parse(address), port, lo =>
            {
                lo.Protocols = h2c ? HttpProtocols.Http2 : HttpProtocols.Http1;
                if (tls is not null)
                    lo.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = tls,
                        // The test checks which certificate arrived (reported as "clientCert"), not its chain.
                        ClientCertificateMode = requireClientCertificate
                            ? Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate
                            : Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.NoCertificate,
                        ClientCertificateValidation = (_, _, _) => true,
                    });
                lo.Use(next => async connection =>
                {
                    Interlocked.Increment(ref backend!._open);
                    try { await next(connection); }
                    finally { Interlocked.Decrement(ref backend._open); }
                });
            });
        });
        var app = builder.Build();
        backend = new EchoBackend(app, name, address, port);
        app.UseWebSockets();
        app.Run(ctx => backend.Handle(ctx));
        await app.StartAsync();
        return backend;
    }

    private async Task Handle(HttpContext ctx)
    {
        Interlocked.Increment(ref _requests);
        var path = ctx.Request.Path.Value ?? "/";
        if (path == "/ws" && ctx.WebSockets.IsWebSocketRequest)
        {
            using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close) { await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None); return; }
                var text = Name + ":" + Encoding.UTF8.GetString(buffer, 0, r.Count);
                await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        if (path == "/slow")
        {
            var ms = int.TryParse(ctx.Request.Query["ms"], out var m) ? m : 1000;
            await Task.Delay(ms, ctx.RequestAborted);
        }
        if (path == "/bytes")
        {
            long n = long.TryParse(ctx.Request.Query["n"], out var nn) ? nn : 1024;
            ctx.Response.ContentLength = n;
            var chunk = new byte[64 * 1024];
            while (n > 0)
            {
                var k = (int)Math.Min(chunk.Length, n);
                await ctx.Response.Body.WriteAsync(chunk.AsMemory(0, k));
                n -= k;
            }
            return;
        }
        if (path == "/reset")
        {
            // Half a response, then a reset: the proxy must not hang nor pretend it completed.
            ctx.Response.ContentLength = 1000;
            await ctx.Response.WriteAsync("partial");
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(100);
            ctx.Abort();
            return;
        }
        if (path == "/upload")
        {
            long total = 0;
            var buf = new byte[64 * 1024];
            int read;
            while ((read = await ctx.Request.Body.ReadAsync(buf)) > 0) total += read;
            await ctx.Response.WriteAsync(total.ToString());
            return;
        }
        if (path == "/sse")
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("data: first\n\n");
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(2000, ctx.RequestAborted);
            await ctx.Response.WriteAsync("data: second\n\n");
            return;
        }
        var headers = new JsonObject();
        foreach (var (k, v) in ctx.Request.Headers) headers[k] = v.ToString();
        var body = new JsonObject
        {
            ["backend"] = Name,
            ["method"] = ctx.Request.Method,
            ["target"] = ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget,
            ["host"] = ctx.Request.Host.Value,
            ["protocol"] = ctx.Request.Protocol,
            ["headers"] = headers,
        };
        if (ctx.Connection.ClientCertificate is { } clientCert) body["clientCert"] = clientCert.Subject;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
