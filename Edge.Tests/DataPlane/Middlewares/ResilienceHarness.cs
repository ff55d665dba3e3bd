using System.Net;
using System.Net.Sockets;
using System.Text;
using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Routing.Requests;
using Edge.Model;
using Edge.Observability;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Middlewares that act on what the server did (retry, circuit breaker, buffering) run in process
/// in front of the real <see cref="HttpForwarder"/>, whose server is a handler that fails or answers
/// on cue: the outcome the middleware sees is the forwarder's own classification.
/// </summary>
public sealed class ResilienceHarness : IDisposable
{
    private readonly BackendTransports _transports;
    private readonly BackendService _service;
    private readonly ProxyHandler _chain;
    public ScriptedServer Server { get; }

    public ResilienceHarness(Middleware m, ScriptedServer server) : this([m], server) { }

    public ResilienceHarness(IReadOnlyList<Middleware> middlewares, ScriptedServer server)
    {
        Server = server;
        _transports = new BackendTransports(server, TimeSpan.Zero);
        _service = new BackendService("default-app-80@kubernetes", new Service
        {
            LoadBalancer = new ServersLoadBalancer { PassHostHeader = true, Servers = [new Server { Url = "http://127.0.0.2:8080" }] },
        });
        var forwarder = new HttpForwarder(_transports);
        var ep = new EntryPointOptions { Name = "web", Address = ":80" };
        var forwarded = new ForwardedHeaders(ep);
        var steps = middlewares.Select(m => MiddlewareBuilder.Create(m, out var error) ?? throw new InvalidOperationException("middleware not built: " + error)).ToList();
        _chain = ChainCompiler.Build(steps, r => forwarder.ForwardAsync(r.Context, r.Service!, r.Service!.Servers[0], forwarded, r.Path));
    }

    public sealed record Result(int Status, string Body, int RetryAttempts, string? ForwardError, IHeaderDictionary Headers);

    public async Task<Result> SendAsync(string method = "GET", string? body = null, string path = "/api", bool chunked = false)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = method;
        ctx.Request.Scheme = "http";
        ctx.Request.Host = new HostString("app.example.com");
        ctx.Request.Path = path;
        ctx.Connection.RemoteIpAddress = IPAddress.Loopback;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            ctx.Request.Body = new MemoryStream(bytes);
            if (chunked) ctx.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new HasBody());
            else ctx.Request.ContentLength = bytes.Length;
        }
        var responseBody = new MemoryStream();
        var observed = new ObservedRequest(responseBody);
        ctx.Response.Body = observed;
        ctx.Features.Set(observed);
        var rp = RequestPath.Normalize(path, DeniedEncodings.All, true, out var reason) ?? throw new InvalidOperationException(reason);
        var ep = new EntryPointOptions { Name = "web", Address = ":80" };
        await _chain(new ProxyRequest(ctx, rp) { EntryPoint = ep, Service = _service, Observed = observed, Forwarded = new ForwardedHeaders(ep) });
        return new Result(ctx.Response.StatusCode, Encoding.UTF8.GetString(responseBody.ToArray()), observed.RetryAttempts, observed.ForwardError, ctx.Response.Headers);
    }

    public void Dispose() => _transports.Dispose();

    private sealed class HasBody : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }
}

/// <summary>What the server does on each call, in order (the last step repeats).</summary>
public sealed class ScriptedServer(params ScriptedServer.Step[] steps) : HttpMessageHandler
{
    public enum Step { Refuse, ResetAfterRequest, Ok, Status500, Status503, Slow }

    public int Calls;
    public List<string> Bodies { get; } = new();
    /// <summary>The Content-Length each request with a body was sent with (null: none).</summary>
    public List<long?> ContentLengths { get; } = new();
    /// <summary>How long a <see cref="Step.Slow"/> answer takes.</summary>
    public TimeSpan SlowBy { get; set; } = TimeSpan.FromMilliseconds(50);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        int call = Interlocked.Increment(ref Calls);
        var step = steps[Math.Min(call, steps.Length) - 1];
        // A refused connection: nothing of the request was read, as with a real dial failure.
        if (step == Step.Refuse)
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        lock (Bodies) { Bodies.Add(body); ContentLengths.Add(request.Content?.Headers.ContentLength); }
        if (step == Step.ResetAfterRequest)
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely", new IOException("reset"));
        if (step == Step.Slow) await Task.Delay(SlowBy, ct);
        var status = step switch { Step.Status500 => HttpStatusCode.InternalServerError, Step.Status503 => HttpStatusCode.ServiceUnavailable, _ => HttpStatusCode.OK };
        return new HttpResponseMessage(status) { Content = new StringContent($"call {call}: {body}") };
    }
}
