using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Routing.Requests;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Bench;

/// <summary>
/// One request through a compiled middleware chain to a terminal that does nothing, with
/// allocations (issue 14's chain benchmarks; issue 18's budgets: an empty chain costs nothing, one
/// Headers middleware at most 1 µs, basic auth with a cached verify at most 2 µs). The baseline is
/// the empty chain: the per-request ProxyRequest and path every router pays anyway.
/// </summary>
[MemoryDiagnoser]
public class MiddlewareChainBenchmarks
{
    private static readonly ProxyHandler Terminal = _ => Task.CompletedTask;
    private readonly EntryPointOptions _ep = new() { Name = "web", Address = ":80" };
    private DefaultHttpContext _ctx = null!;
    private RequestPath _path = null!;
    private ProxyHandler _empty = null!, _headers = null!, _stripPrefix = null!, _basicAuth = null!, _rateLimit = null!, _three = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ctx = new DefaultHttpContext();
        _ctx.Request.Method = "GET";
        _ctx.Request.Host = new HostString("app.example.com");
        _ctx.Request.Path = "/api/orders";
        _ctx.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
        // htpasswd -nbB -C 10 u secret: htpasswd's default cost; verified once in setup, then cached.
        _ctx.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:secret"));
        _path = RequestPath.Normalize("/api/orders", DeniedEncodings.All, true, out _)!;

        var headers = new Middleware { Headers = new HeadersConfig
        {
            CustomRequestHeaders = new() { ["X-Env"] = "prod" },
            CustomResponseHeaders = new() { ["X-Served-By"] = "edge" },
        } };
        var strip = new Middleware { StripPrefix = new StripPrefixConfig { Prefixes = ["/api"] } };
        var auth = new Middleware { BasicAuth = new BasicAuthConfig { Users = ["u:$2y$10$2P1SXievMhqfFrWKJL5FC.X0Xs1eDOWGtxSdlTlsrInGI.IT2kViG"] } };
        var rate = new Middleware { RateLimit = new RateLimitConfig { Average = 1_000_000_000, Burst = 1_000_000_000 } };

        _empty = ChainCompiler.Build([], Terminal);
        _headers = Chain(headers);
        _stripPrefix = Chain(strip);
        _basicAuth = Chain(auth);
        _rateLimit = Chain(rate);
        _three = Chain(headers, strip, rate);
        if (Run(_basicAuth).Result != 0) throw new InvalidOperationException("basic auth refused the benchmark's credentials");
    }

    private static ProxyHandler Chain(params Middleware[] ms) =>
        ChainCompiler.Build(ms.Select(m => MiddlewareBuilder.Create(m, out var e) ?? throw new InvalidOperationException(e)).ToArray(), Terminal);

    private async Task<int> Run(ProxyHandler handler)
    {
        _ctx.Response.StatusCode = 200;
        _ctx.Request.Headers.Remove("X-Forwarded-Prefix");   // stripPrefix adds it; a real request starts without
        await handler(new ProxyRequest(_ctx, _path) { EntryPoint = _ep });
        return _ctx.Response.StatusCode == 200 ? 0 : _ctx.Response.StatusCode;
    }

    [Benchmark(Baseline = true)] public Task<int> EmptyChain() => Run(_empty);
    [Benchmark] public Task<int> Headers() => Run(_headers);
    [Benchmark] public Task<int> StripPrefix() => Run(_stripPrefix);
    [Benchmark] public Task<int> BasicAuthBcryptCached() => Run(_basicAuth);
    [Benchmark] public Task<int> RateLimit() => Run(_rateLimit);
    [Benchmark] public Task<int> HeadersStripPrefixRateLimit() => Run(_three);
}
