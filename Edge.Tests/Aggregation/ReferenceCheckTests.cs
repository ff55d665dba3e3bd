using Edge.Aggregation;
using Edge.Model;

namespace Edge.Tests.Aggregation;

/// <summary>Fail closed on references, with Traefik's error texts.</summary>
public class ReferenceCheckTests
{
    private static DynamicConfig Config(Action<Router>? router = null, Action<Service>? service = null)
    {
        var c = new DynamicConfig();
        var r = new Router { Service = "svc", Rule = "Host(`a`)" };
        var s = new Service { LoadBalancer = ServersLoadBalancer.WithDefaults() };
        router?.Invoke(r);
        service?.Invoke(s);
        c.Http.Routers["r"] = r;
        c.Http.Routers["other"] = new Router { Service = "svc2", Rule = "Host(`b`)" };
        c.Http.Services["svc"] = s;
        c.Http.Services["svc2"] = new Service { LoadBalancer = ServersLoadBalancer.WithDefaults() };
        return c;
    }

    [Test]
    public async Task No_reference_no_error() =>
        await Assert.That(ReferenceCheck.Find(Config(), "kubernetes")).IsEmpty();

    [Test]
    [Arguments("ns-auth@kubernetescrd", "middleware \"ns-auth@kubernetescrd\" does not exist")]
    [Arguments("auth", "middleware \"auth@kubernetes\" does not exist")]
    [Arguments("auth@file", "middleware \"auth@file\" does not exist")]
    public async Task Missing_router_middleware(string reference, string error)
    {
        var errors = ReferenceCheck.Find(Config(r => r.Middlewares = [reference]), "kubernetes");
        await Assert.That(errors["r"]).IsEqualTo(error);
        await Assert.That(errors.ContainsKey("other")).IsFalse();
    }

    [Test]
    public async Task A_middleware_of_the_same_provider_resolves()
    {
        var c = Config(r => r.Middlewares = ["auth", "strip@kubernetes"]);
        c.Http.Middlewares["auth"] = new Middleware();
        c.Http.Middlewares["strip"] = new Middleware();
        await Assert.That(ReferenceCheck.Find(c, "kubernetes")).IsEmpty();
    }

    [Test]
    public async Task Missing_service_middleware_puts_its_routers_in_error()
    {
        var errors = ReferenceCheck.Find(Config(service: s => s.Middlewares = ["x@kubernetescrd"]), "kubernetes");
        await Assert.That(errors["r"]).IsEqualTo("middleware \"x@kubernetescrd\" does not exist");
    }

    [Test]
    public async Task Tls_options_other_than_default_do_not_resolve()
    {
        await Assert.That(ReferenceCheck.Find(Config(r => r.Tls = new RouterTls { Options = "default" }), "kubernetes")).IsEmpty();
        var errors = ReferenceCheck.Find(Config(r => r.Tls = new RouterTls { Options = "ns-strict@kubernetescrd" }), "kubernetes");
        await Assert.That(errors["r"]).IsEqualTo("unknown TLS options: ns-strict@kubernetescrd");
    }

    [Test]
    public async Task Servers_transport()
    {
        await Assert.That(ReferenceCheck.Find(Config(service: s => s.LoadBalancer!.ServersTransport = "default@internal"), "kubernetes")).IsEmpty();
        var errors = ReferenceCheck.Find(Config(service: s => s.LoadBalancer!.ServersTransport = "mtls"), "kubernetes");
        await Assert.That(errors["r"]).IsEqualTo("servers transport not found mtls@kubernetes");
    }
}
