using Edge.Api;
using Edge.Configuration;
using Edge.DataPlane.Connections;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Tls;
using Edge.Observability;
using Edge.Observability.Logging;
using Edge.Observability.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Hosting;

/// <summary>
/// Kestrel with one listener per entry point. A request is attributed to its entry point by the
/// local port it arrived on; internal endpoints (API, ping) are tried first, then the data plane.
/// </summary>
public sealed class EdgeHost : IAsyncDisposable
{
    private readonly KestrelServer _server;
    private readonly EdgeApplication _application;
    private readonly TimeSpan _grace;
    private readonly Dictionary<int, string> _entryPointByPort = new();

    public delegate Task RequestHandler(HttpContext context, string entryPoint);

    public EdgeHost(StaticConfig config, ApiHandler api, RequestHandler dataPlane, Func<CertificateStore> certificates,
        RequestObserver? observer = null, EdgeMetrics? metrics = null, Func<string, EntryPointTlsOptions>? tlsOptions = null,
        Edge.Security.Acme.ChallengeResponder? challenges = null, Func<DataPlane.Tcp.TcpRoutingState>? tcpRoutes = null)
    {
        // Kestrel on its own, without the generic host: no DI container (resolving its open
        // generics made Native AOT build types at run time, ~14% of the start), no appsettings
        // scan, no file watchers, no logging pipeline. Edge's configuration is its own (flags, TOML).
        _grace = config.EntryPoints.Values.Select(e => e.GraceTimeout).DefaultIfEmpty(TimeSpan.FromSeconds(10)).Max();
        // Kestrel's own pipe callbacks inline too (same trade-off: request code runs on the I/O
        // thread, which Edge's fully asynchronous request path allows). EDGE_INLINE_SCHEDULING=0 turns it off.
        var inline = Environment.GetEnvironmentVariable("EDGE_INLINE_SCHEDULING") != "0";
        // Kestrel's default first waits for readability with a zero-byte read before renting a
        // buffer: one more syscall (an EAGAIN) per request. Reading straight into a pooled 4 KiB
        // block measured +9% req/s; the price is that block per idle keep-alive connection.
        // EDGE_WAIT_FOR_DATA=1 restores the default (many idle connections, little memory).
        var waitForData = Environment.GetEnvironmentVariable("EDGE_WAIT_FOR_DATA") == "1";
        var sockets = new SocketTransportOptions { UnsafePreferInlineScheduling = inline, WaitForDataBeforeAllocatingBuffer = waitForData };
        var reusePorts = config.EntryPoints.Values.Where(e => e.ReusePort && !e.IsUdp).Select(e => EntryPointAddress.Parse(e.Name, e.Address).Port).ToHashSet();
        if (reusePorts.Count > 0) sockets.CreateBoundListenSocket = ep => ReusePortSocket.Bind(ep, reusePorts);
        var kestrel = new KestrelServerOptions();
        ConfigureKestrel(kestrel);
        _server = new KestrelServer(Options.Create(kestrel), new SocketTransportFactory(Options.Create(sockets), NullLoggerFactory.Instance),
            NullLoggerFactory.Instance);
        void ConfigureKestrel(KestrelServerOptions k)
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;   // a proxy streams bodies of any size
            foreach (var ep in config.EntryPoints.Values)
            {
                if (ep.IsUdp) continue;   // served by DataPlane.Udp.UdpRouting, not Kestrel
                var addr = EntryPointAddress.Parse(ep.Name, ep.Address);
                _entryPointByPort[addr.Port] = ep.Name;
                var epName = ep.Name;
                var sniffTimeout = ep.ReadTimeout > TimeSpan.Zero ? ep.ReadTimeout : TimeSpan.FromSeconds(60);
                var sniff = new TlsSniffingMiddleware(certificates, sniffTimeout,
                    tlsOptions is null ? null : () => tlsOptions(epName), challenges);
                var gauge = metrics?.ConnectionGauge(ep.Name);
                var proxyProtocol = ep.ProxyProtocolEnabled
                    ? ProxyProtocolMiddleware.Create(ep.Name, ep.ProxyProtocolTrustedIPs, ep.ProxyProtocolInsecure, ep.ReadTimeout)
                    : null;
                Action<ListenOptions> configure = lo =>
                {
                    if (gauge is not null)
                        lo.Use(next => async ctx =>
                        {
                            Interlocked.Increment(ref gauge.Value);
                            try { await next(ctx); }
                            finally { Interlocked.Decrement(ref gauge.Value); }
                        });
                    // HTTP/2 is negotiated by ALPN on TLS connections; plain connections speak HTTP/1.1.
                    lo.Protocols = HttpProtocols.Http1AndHttp2;
                    if (ep.KeepAliveMaxRequests > 0 || ep.KeepAliveMaxTime > TimeSpan.Zero)
                        lo.Use(next => ctx =>
                        {
                            ctx.Features.Set(new KeepAliveBudget(ep.KeepAliveMaxRequests, ep.KeepAliveMaxTime));
                            return next(ctx);
                        });
                    // The PROXY header comes before the TLS handshake, so it is read first.
                    if (proxyProtocol is not null) lo.Use(next => ctx => proxyProtocol.OnConnectionAsync(ctx, next));
                    // TCP routers come before HTTP (Traefik): a connection they take never reaches TLS termination or Kestrel.
                    if (tcpRoutes is not null) { var tcp = new DataPlane.Tcp.TcpRoutingMiddleware(tcpRoutes, certificates, epName, sniffTimeout); lo.Use(next => ctx => tcp.OnConnectionAsync(ctx, next)); }
                    lo.Use(next => ctx => sniff.OnConnectionAsync(ctx, next));
                    // After TLS: sees the plaintext HTTP/1 bytes (request smuggling, see the handler).
                    lo.Use(next => ctx => Http1FramingGuard.OnConnectionAsync(ctx, next));
                };
                if (addr.Host is null) k.ListenAnyIP(addr.Port, configure);
                else k.Listen(addr.Host, addr.Port, configure);
            }
            // Kestrel's limits are per server, not per endpoint: the strictest entry point wins
            // (a value of 0, "no timeout" in Traefik, does not count).
            var idle = config.EntryPoints.Values.Select(e => e.IdleTimeout).Where(t => t > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.FromMinutes(3)).Min();
            k.Limits.KeepAliveTimeout = idle;
            // Slowloris: the headers must arrive within readTimeout (capped at 30 s, at least 1 s).
            var read = config.EntryPoints.Values.Select(e => e.ReadTimeout).Where(t => t > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.FromSeconds(30)).Min();
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(Math.Min(30, Math.Max(1, read.TotalSeconds)));
            // The same for the sizes: the largest entry point's value (Go's http2 defaults otherwise).
            var eps = config.EntryPoints.Values;
            if (eps.Max(e => e.MaxHeaderBytes) is > 0 and var headerBytes)
            {
                k.Limits.MaxRequestHeadersTotalSize = headerBytes;
                k.Limits.MaxRequestLineSize = headerBytes;
            }
            k.Limits.Http2.MaxStreamsPerConnection = eps.Max(e => e.Http2MaxConcurrentStreams);
            k.Limits.Http2.HeaderTableSize = eps.Max(e => e.Http2MaxDecoderHeaderTableSize);
        }
        async Task Handle(HttpContext ctx, string ep)
        {
            if (await api.TryHandleAsync(ctx, ep))
            {
                if (ObservedRequest.Of(ctx) is { } observed) observed.Internal = true;
                return;
            }
            await dataPlane(ctx, ep);
        }
        Func<HttpContext, string, Task> handle = Handle;
        bool keepAliveLimits = config.EntryPoints.Values.Any(e => e.KeepAliveMaxRequests > 0 || e.KeepAliveMaxTime > TimeSpan.Zero);
        _application = new EdgeApplication(ctx =>
        {
            // Framing and header syntax Kestrel would repair or pass on (Content-Length with
            // Transfer-Encoding, codings other than chunked, CTL bytes in a value, a name that is
            // not a token): a proxy answers them and closes, before any byte reaches a backend.
            if (ctx.Request.Protocol is "HTTP/1.1" or "HTTP/1.0"
                && Http1FramingGuard.RejectionFor(ctx.Connection.Id, out var reason) is var status and not 0)
            {
                Log.Debug("Request rejected on its framing", ("remote", ctx.Connection.RemoteIpAddress), ("reason", reason));
                ctx.Response.StatusCode = status;
                ctx.Response.Headers.Connection = "close";
                return Task.CompletedTask;
            }
            if (ctx.Request.Protocol is "HTTP/2" or "HTTP/3" && !HeaderSyntax.AreValid(ctx.Request.Headers))
            {
                ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
                return Task.CompletedTask;
            }
            var ep = _entryPointByPort.TryGetValue(ctx.Connection.LocalPort, out var name) ? name : "";
            if (keepAliveLimits) KeepAliveBudget.Apply(ctx);
            return observer is { Enabled: true } ? observer.ObserveAsync(ctx, ep, handle) : Handle(ctx, ep);
        });
    }

    public Task StartAsync(CancellationToken ct) => _server.StartAsync(_application, ct);

    /// <summary>Stops accepting, lets requests in flight finish within the longest graceTimeOut, then aborts the rest.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
        grace.CancelAfter(_grace);
        await _server.StopAsync(grace.Token).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        return ValueTask.CompletedTask;
    }
}
