using System.Net;
using BenchmarkDotNet.Attributes;
using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Bench;

/// <summary>
/// The per-request steps after route matching, with allocations: picking a server (smooth WRR over
/// 3 and 30 servers, sticky cookie present) and writing the forwarded headers onto the outgoing
/// request. Baseline: building the outgoing HttpRequestMessage alone, the fixed cost both sit on.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private BackendService _wrr = null!;
    private BackendService _sticky = null!;
    private ForwardedHeaders _forwarded = null!;
    private DefaultHttpContext _ctx = null!;
    private DefaultHttpContext _stickyCtx = null!;
    private readonly Uri _target = new("http://10.0.0.1:8080/api/orders?id=1");

    [Params(3, 30)]
    public int Servers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var servers = Enumerable.Range(1, Servers).Select(i => new Server { Url = $"http://10.0.0.{i}:8080" }).ToList();
        _wrr = new BackendService("ns-svc-80", new Service { LoadBalancer = new ServersLoadBalancer { Servers = servers } });
        _sticky = new BackendService("ns-svc-80", new Service { LoadBalancer = new ServersLoadBalancer
        {
            Servers = servers, Sticky = new Sticky { Cookie = new StickyCookie { Name = "lb" } },
        } });
        _forwarded = new ForwardedHeaders(new EntryPointOptions { Name = "web" });
        _ctx = Request(null);
        _stickyCtx = Request("lb=" + _sticky.Servers[Servers / 2].CookieValue);
    }

    private static DefaultHttpContext Request(string? cookie)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "GET";
        ctx.Request.Scheme = "https";
        ctx.Request.Host = new HostString("shop.example.com");
        ctx.Request.Path = "/api/orders";
        ctx.Request.Headers.UserAgent = "wrk";
        ctx.Request.Headers["X-Forwarded-For"] = "198.51.100.7";   // untrusted: replaced
        if (cookie is not null) ctx.Request.Headers.Cookie = cookie;
        ctx.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
        return ctx;
    }

    [Benchmark(Baseline = true)]
    public HttpRequestMessage OutgoingMessageOnly() => new(HttpMethod.Get, _target);

    [Benchmark]
    public HttpRequestMessage ForwardedHeadersApplied()
    {
        var m = new HttpRequestMessage(HttpMethod.Get, _target);
        _forwarded.Apply(_ctx, m, isWebSocket: false);
        return m;
    }

    [Benchmark]
    public BackendServer? PickWeightedRoundRobin() => _wrr.Pick(_ctx, out _);

    [Benchmark]
    public BackendServer? PickStickyCookie() => _sticky.Pick(_stickyCtx, out _);
}
