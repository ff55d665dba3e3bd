using System.Net;
using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Routing.Requests;
using Edge.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.Tests.DataPlane.Forwarding;

/// <summary>
/// Runs <see cref="HttpForwarder"/> in process against a handler that plays the server: it sees
/// the outgoing request exactly as SocketsHttpHandler would, and answers or fails on cue (YARP's
/// HttpForwarderTests work the same way). The client side is a DefaultHttpContext whose response
/// body, abort and abort token the test can observe.
/// </summary>
public sealed class ForwarderHarness
{
    public HttpContext Context { get; }
    public HttpRequestMessage? Sent { get; private set; }
    public bool Aborted => _lifetime.Aborted;
    public MemoryStream ResponseBody { get; } = new();
    private readonly Lifetime _lifetime = new();

    public ForwarderHarness(string method = "GET", string path = "/api", string host = "app.example.com")
    {
        var ctx = new DefaultHttpContext();
        ctx.Features.Set<IHttpRequestLifetimeFeature>(_lifetime);
        ctx.Request.Method = method;
        ctx.Request.Scheme = "http";
        ctx.Request.Host = new HostString(host);
        ctx.Request.Path = path;
        ctx.Connection.RemoteIpAddress = IPAddress.Parse("127.0.0.9");
        ctx.Response.Body = ResponseBody;
        Context = ctx;
    }

    /// <summary>The client goes away (its connection's abort token fires).</summary>
    public void ClientDisconnects() => _lifetime.Cancel();

    public string ResponseText => System.Text.Encoding.UTF8.GetString(ResponseBody.ToArray());

    public ForwarderError? Error => Context.Features.Get<IForwarderErrorFeature>()?.Error;

    public bool TimedOut => Context.Features.Get<IForwarderErrorFeature>()?.TimedOut ?? false;

    public async Task<ForwarderError> ForwardAsync(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> server,
        bool passHostHeader = true, TimeSpan? responseHeaderTimeout = null, string serverUrl = "http://127.0.0.2:8080")
    {
        var service = new BackendService("default-app-80@kubernetes", new Service
        {
            LoadBalancer = new ServersLoadBalancer { PassHostHeader = passHostHeader, Servers = [new Server { Url = serverUrl }] },
        });
        var handler = new ServerHandler(async (request, ct) =>
        {
            Sent = request;
            return await server(request, ct);
        });
        using var transports = new BackendTransports(handler, responseHeaderTimeout ?? TimeSpan.Zero);
        var ep = new EntryPointOptions { Name = "web", Address = ":80" };
        var path = RequestPath.Normalize(Context.Request.Path.Value!, DeniedEncodings.All, true, out var reason)
            ?? throw new InvalidOperationException(reason);
        return await new HttpForwarder(transports).ForwardAsync(Context, service, service.Servers[0], new ForwardedHeaders(ep), path);
    }

    private sealed class ServerHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            answer(request, cancellationToken);
    }

    private sealed class Lifetime : IHttpRequestLifetimeFeature
    {
        private readonly CancellationTokenSource _cts = new();
        public bool Aborted { get; private set; }
        public CancellationToken RequestAborted { get => _cts.Token; set { } }
        public void Abort() { Aborted = true; _cts.Cancel(); }
        public void Cancel() => _cts.Cancel();
    }
}
