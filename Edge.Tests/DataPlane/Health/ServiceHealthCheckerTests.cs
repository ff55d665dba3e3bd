using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Health;
using Edge.Model;
using Edge.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Health;

/// <summary>
/// Traefik's active health check (pkg/healthcheck) against loopback Kestrel backends that turn
/// unhealthy and back: what one check sends and accepts, and the loops that take a server out of
/// the balancer and put it back, started and stopped with their configuration.
/// </summary>
public class ServiceHealthCheckerTests
{
    private static BackendService Service(ServerHealthCheck hc, params string[] urls) =>
        new("app@file", new Service { LoadBalancer = new ServersLoadBalancer { Servers = urls.Select(u => new Server { Url = u }).ToList(), HealthCheck = hc } });

    private static ServiceHealthChecker Checker(BackendService service, BackendTransports transports) =>
        new(service, service.Name, transports.ClientFor(service));

    [Test]
    public async Task A_check_sends_the_configured_request_and_accepts_2xx_and_3xx_by_default()
    {
        await using var backend = await HealthBackend.StartAsync("a");
        using var transports = new BackendTransports(new ServersTransportOptions());
        var hc = new ServerHealthCheck { Path = "/health?probe=1", Method = "HEAD", Hostname = "health.example.com", Headers = new() { ["X-Probe"] = "edge" } };
        hc.SetDefaults();
        var checker = Checker(Service(hc, backend.Url + "/base/"), transports);

        await Assert.That(await checker.CheckAsync(0, CancellationToken.None)).IsNull();
        await Assert.That(backend.LastCheckMethod).IsEqualTo("HEAD");
        await Assert.That(backend.LastCheckTarget).IsEqualTo("/health?probe=1").Because("an absolute path replaces the server's path, as Go's URL.Parse");
        await Assert.That(backend.LastCheckHeaders["Host"]).IsEqualTo("health.example.com");
        await Assert.That(backend.LastCheckHeaders["X-Probe"]).IsEqualTo("edge");

        backend.Healthy = false;
        await Assert.That(await checker.CheckAsync(0, CancellationToken.None)).IsEqualTo("received error status code: 503");
    }

    [Test]
    public async Task Status_port_timeout_and_followRedirects_are_Traefiks()
    {
        await using var backend = await HealthBackend.StartAsync("a");
        using var transports = new BackendTransports(new ServersTransportOptions());
        // status: only that code is healthy.
        var expect204 = Checker(Service(new ServerHealthCheck { Path = "/health", Status = 204 }, backend.Url), transports);
        await Assert.That(await expect204.CheckAsync(0, CancellationToken.None)).IsEqualTo("received error status code: 200 expected status code: 204");
        // port: the server's host with another port.
        var otherPort = Checker(Service(new ServerHealthCheck { Path = "/health", Port = backend.Port }, "http://127.0.0.1:1"), transports);
        await Assert.That(await otherPort.CheckAsync(0, CancellationToken.None)).IsNull();
        // followRedirects (default true): the redirect is followed to /moved, which answers 500.
        var follow = Checker(Service(new ServerHealthCheck { Path = "/health/redirect", FollowRedirects = true }, backend.Url), transports);
        await Assert.That(await follow.CheckAsync(0, CancellationToken.None)).IsEqualTo("received error status code: 500");
        // followRedirects false: the 302 itself is the answer, and 3xx is healthy.
        var noFollow = Checker(Service(new ServerHealthCheck { Path = "/health/redirect", FollowRedirects = false }, backend.Url), transports);
        await Assert.That(await noFollow.CheckAsync(0, CancellationToken.None)).IsNull();
        // timeout: a server slower than it is unhealthy.
        backend.HealthDelayMs = 2000;
        var slow = Checker(Service(new ServerHealthCheck { Path = "/health", Timeout = "200ms" }, backend.Url), transports);
        await Assert.That(await slow.CheckAsync(0, CancellationToken.None)).IsEqualTo("timeout after 200ms");
        // A server that is not there.
        var refused = Checker(Service(new ServerHealthCheck { Path = "/health" }, "http://127.0.0.1:1"), transports);
        await Assert.That(await refused.CheckAsync(0, CancellationToken.None)).IsNotNull();
    }

    [Test]
    public async Task Defaults_and_fallbacks_are_Traefiks()
    {
        var defaults = new ServerHealthCheck();
        defaults.SetDefaults();
        var s = HealthCheckSettings.From(defaults, "x");
        await Assert.That(s.Interval).IsEqualTo(TimeSpan.FromSeconds(30));
        await Assert.That(s.UnhealthyInterval).IsEqualTo(TimeSpan.FromSeconds(30)).Because("without unhealthyInterval, the interval");
        await Assert.That(s.Timeout).IsEqualTo(TimeSpan.FromSeconds(5));
        await Assert.That(s.FollowRedirects).IsTrue();
        await Assert.That(s.Method).IsEqualTo("GET");
        await Assert.That(s.Grpc).IsFalse();
        var odd = HealthCheckSettings.From(new ServerHealthCheck { Interval = "-1s", UnhealthyInterval = "2s", Timeout = "0s", Mode = "grpc" }, "x");
        await Assert.That(odd.Interval).IsEqualTo(TimeSpan.FromSeconds(30)).Because("not positive: the default");
        await Assert.That(odd.UnhealthyInterval).IsEqualTo(TimeSpan.FromSeconds(2));
        await Assert.That(odd.Timeout).IsEqualTo(TimeSpan.FromSeconds(5));
        await Assert.That(odd.Grpc).IsTrue();
    }

    [Test]
    public async Task Grpc_mode_asks_the_grpc_health_service_over_h2c()
    {
        await using var backend = await HealthBackend.StartAsync("g", grpc: true);
        using var transports = new BackendTransports(new ServersTransportOptions());
        var checker = Checker(Service(new ServerHealthCheck { Mode = "grpc" }, backend.Url), transports);
        await Assert.That(await checker.CheckAsync(0, CancellationToken.None)).IsNull();
        backend.Healthy = false;
        await Assert.That(await checker.CheckAsync(0, CancellationToken.None)).IsEqualTo("received gRPC status code: NOT_SERVING");
        await Assert.That(backend.Checks).IsEqualTo(2);
    }

    [Test]
    public async Task A_server_that_turns_unhealthy_leaves_the_balancer_and_comes_back_and_the_checks_stop_with_their_configuration()
    {
        await using var a = await HealthBackend.StartAsync("a");
        await using var b = await HealthBackend.StartAsync("b");
        using var transports = new BackendTransports(new ServersTransportOptions());
        var service = Service(new ServerHealthCheck { Path = "/health", Interval = "100ms", UnhealthyInterval = "50ms", Timeout = "1s" }, a.Url, b.Url);
        var set = new HealthCheckSet(new Dictionary<string, BackendService> { ["app@file"] = service }, transports);
        set.Start();
        try
        {
            await Assert.That(Picks(service, 4)).IsEquivalentTo(new[] { a.Url, b.Url, a.Url, b.Url });
            b.Healthy = false;
            await Eventually.UntilAsync(() => service.Health.IsDown(1), TimeSpan.FromSeconds(10), "b was never found down");
            await Assert.That(Picks(service, 4).Distinct()).IsEquivalentTo(new[] { a.Url }).Because("a server found down is not picked");
            await Assert.That(service.IsUp()).IsTrue();

            a.Healthy = false;
            await Eventually.UntilAsync(() => service.Health.IsDown(0), TimeSpan.FromSeconds(10), "a was never found down");
            await Assert.That(service.Pick(new DefaultHttpContext(), out _)).IsNull().Because("all down: no server (503)");
            await Assert.That(service.IsUp()).IsFalse();

            b.Healthy = true;
            await Eventually.UntilAsync(() => !service.Health.IsDown(1), TimeSpan.FromSeconds(10), "b never came back");
            await Assert.That(Picks(service, 3).Distinct()).IsEquivalentTo(new[] { b.Url });
        }
        finally
        {
            set.Dispose();
        }
        await set.Running.WaitAsync(TimeSpan.FromSeconds(10));
        var checks = a.Checks + b.Checks;
        await Task.Delay(400);   // four intervals: a running loop would have checked again
        await Assert.That(a.Checks + b.Checks).IsEqualTo(checks).Because("a stopped configuration's checkers check no more");
    }

    private static List<string> Picks(BackendService service, int n) =>
        Enumerable.Range(0, n).Select(i => service.Pick(new DefaultHttpContext(), out _)!.Url).ToList();

    [Test]
    public async Task Weighted_and_failover_parents_follow_their_childrens_health()
    {
        var hc = new ServerHealthCheck { Path = "/health" };
        var config = new Dictionary<string, Service>
        {
            ["main@file"] = new() { LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = "http://127.0.0.2:1" }], HealthCheck = hc } },
            ["spare@file"] = new() { LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = "http://127.0.0.3:1" }], HealthCheck = hc } },
            ["split@file"] = new() { Weighted = new WeightedRoundRobinService { HealthCheck = new(), Services = [new() { Name = "main", Weight = 1 }, new() { Name = "spare", Weight = 1 }] } },
            ["plain@file"] = new() { Weighted = new WeightedRoundRobinService { Services = [new() { Name = "main", Weight = 1 }, new() { Name = "spare", Weight = 1 }] } },
            ["fo@file"] = new() { Failover = new FailoverService { Service = "main", Fallback = "spare", HealthCheck = new() } },
        };
        var services = config.ToDictionary(kv => kv.Key, kv => new BackendService(kv.Key, kv.Value));
        foreach (var (name, s) in services) s.Link(child => services.GetValueOrDefault(ProviderNames.Resolve(child, name)));
        var main = services["main@file"];
        var spare = services["spare@file"];

        main.Health.Set(0, false);
        var picks = Enumerable.Range(0, 4).Select(_ => services["split@file"].Leaf(new DefaultHttpContext())!.Name).Distinct().ToList();
        await Assert.That(picks).IsEquivalentTo(new[] { "spare@file" }).Because("with healthCheck {}, a child that is down is skipped");
        var plain = Enumerable.Range(0, 4).Select(_ => services["plain@file"].Leaf(new DefaultHttpContext())!.Name).Distinct().Count();
        await Assert.That(plain).IsEqualTo(2).Because("without healthCheck, the weighted service does not follow its children");
        await Assert.That(services["fo@file"].MainUp()).IsFalse();
        await Assert.That(services["fo@file"].FallbackUp()).IsTrue();
        await Assert.That(services["fo@file"].IsUp()).IsTrue();

        spare.Health.Set(0, false);
        await Assert.That(services["split@file"].Leaf(new DefaultHttpContext())).IsNull();
        await Assert.That(services["split@file"].IsUp()).IsFalse();
        await Assert.That(services["fo@file"].IsUp()).IsFalse().Because("a failover is down when main and fallback are");
    }
}
