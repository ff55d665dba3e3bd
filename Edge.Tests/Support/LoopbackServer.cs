using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.Support;

/// <summary>
/// A programmable HTTP server on 127.0.0.1 (an auth server for forwardAuth, an error-page
/// service): the test's handler answers, and the last request's method, target, headers and
/// body are kept for assertions.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public int Requests => _requests;
    private int _requests;
    public string? LastMethod { get; private set; }
    public string? LastTarget { get; private set; }
    public Dictionary<string, string> LastHeaders { get; private set; } = new(StringComparer.OrdinalIgnoreCase);
    public string LastBody { get; private set; } = "";

    private LoopbackServer(WebApplication app, int port) { _app = app; Port = port; }

    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new LoopbackServer(app, port);
        app.Run(async ctx =>
        {
            Interlocked.Increment(ref server._requests);
            server.LastMethod = ctx.Request.Method;
            server.LastTarget = ctx.Request.Path.Value + ctx.Request.QueryString.Value;
            server.LastHeaders = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            using var reader = new StreamReader(ctx.Request.Body);
            server.LastBody = await reader.ReadToEndAsync();
            await handler(ctx);
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
