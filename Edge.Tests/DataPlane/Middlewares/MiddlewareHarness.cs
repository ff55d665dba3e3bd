using System.Net;
using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Routing.Requests;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Runs one configured middleware in process, the way the data plane does, with a terminal step
/// that records what the forwarder would have sent: the path, the request headers. Whether the
/// terminal ran is the test's proof of "reached the backend".
/// </summary>
public sealed class MiddlewareHarness
{
    public bool Forwarded { get; private set; }
    public string? ForwardedPath { get; private set; }
    public IHeaderDictionary? ForwardedHeaders { get; private set; }
    public HttpContext Context { get; }

    private MiddlewareHarness(HttpContext ctx) => Context = ctx;

    public static async Task<MiddlewareHarness> RunAsync(Middleware m, string path = "/", string host = "app.example.com",
        Action<HttpRequest>? request = null, bool https = false, string remote = "127.0.0.1", string? trustedIps = null)
    {
        var handler = MiddlewareBuilder.Create(m, out var error) ?? throw new InvalidOperationException("middleware not built: " + error);
        return await RunAsync(new HttpMiddleware[] { handler }, path, host, request, https, remote, trustedIps);
    }

    public static Task<MiddlewareHarness> RunAsync(IReadOnlyList<HttpMiddleware> steps, string path = "/", string host = "app.example.com",
        Action<HttpRequest>? request = null, bool https = false, string remote = "127.0.0.1", string? trustedIps = null) =>
        new Chain(steps).RunAsync(path, host, request, https, remote, trustedIps);

    /// <summary>
    /// One compiled chain serving several requests, as a router's chain does: what a stateful
    /// middleware (rateLimit, inFlightReq) counts carries from one request to the next.
    /// <paramref name="terminal"/> runs in place of the backend (e.g. to hold a request in flight).
    /// </summary>
    public sealed class Chain
    {
        private readonly ProxyHandler _handler;
        private readonly AsyncLocal<MiddlewareHarness?> _current = new();

        public Chain(IReadOnlyList<HttpMiddleware> steps, Func<ProxyRequest, Task>? terminal = null)
        {
            _handler = ChainCompiler.Build(steps, async r =>
            {
                var h = _current.Value!;
                h.Forwarded = true;
                h.ForwardedPath = r.Path.Escaped;
                h.ForwardedHeaders = r.Context.Request.Headers;
                r.Context.Response.StatusCode = 200;
                if (terminal is not null) await terminal(r);
            });
        }

        public Chain(Middleware m, Func<ProxyRequest, Task>? terminal = null)
            : this(new[] { MiddlewareBuilder.Create(m, out var error) ?? throw new InvalidOperationException("middleware not built: " + error) }, terminal) { }

        public async Task<MiddlewareHarness> RunAsync(string path = "/", string host = "app.example.com",
            Action<HttpRequest>? request = null, bool https = false, string remote = "127.0.0.1", string? trustedIps = null)
        {
            var ctx = new DefaultHttpContext();
            var response = new RecordingResponseFeature();
            ctx.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(response);
            ctx.Request.Method = "GET";
            ctx.Request.Scheme = https ? "https" : "http";
            ctx.Request.Host = new HostString(host);
            ctx.Request.Path = path;
            ctx.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            ctx.Response.Body = new MemoryStream();
            request?.Invoke(ctx.Request);
            var ep = new EntryPointOptions { Name = "web", Address = ":80" };
            if (trustedIps is not null) ep.ForwardedHeadersTrustedIPs = [trustedIps];
            var h = new MiddlewareHarness(ctx);
            _current.Value = h;
            var rp = RequestPath.Normalize(path, DeniedEncodings.All, true, out var reason) ?? throw new InvalidOperationException(reason);
            await _handler(new ProxyRequest(ctx, rp) { EntryPoint = ep, Forwarded = new ForwardedHeaders(ep) });
            // Response headers registered with OnStarting are written when the response starts (as Kestrel does, last registered first).
            await response.StartAsync();
            return h;
        }
    }

    /// <summary>The response body as written.</summary>
    public string Body => System.Text.Encoding.UTF8.GetString(((MemoryStream)Context.Response.Body).ToArray());

    public int Status => Context.Response.StatusCode;

    /// <summary>DefaultHttpContext drops OnStarting callbacks; this feature keeps and runs them.</summary>
    private sealed class RecordingResponseFeature : Microsoft.AspNetCore.Http.Features.HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _starting = new();
        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

        public async Task StartAsync()
        {
            for (int i = _starting.Count - 1; i >= 0; i--) await _starting[i].Callback(_starting[i].State);
        }
    }

    public string ResponseHeader(string name) => Context.Response.Headers[name].ToString();

    public string RequestHeader(string name) => ForwardedHeaders?[name].ToString() ?? "";
}
