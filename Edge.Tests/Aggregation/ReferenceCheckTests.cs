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

    [Test]
    [Arguments("ns-strict@kubernetescrd", "ns-strict@kubernetescrd", "")]
    [Arguments("ns-strict@kubernetescrd", "ns-other@kubernetescrd", "unknown TLS options: ns-strict@kubernetescrd")]
    [Arguments("strict@file", "strict@file", "")]
    [Arguments("default", "ns-other@kubernetescrd", "")]
    public async Task Tls_options_resolve_against_the_merged_options(string reference, string defined, string error)
    {
        var c = Config(r => r.Tls = new RouterTls { Options = reference });
        c.Tls = new TlsConfig { Options = new() { [defined] = new TlsOptions() } };
        var errors = ReferenceCheck.Find(c, "kubernetes");
        await Assert.That(errors.GetValueOrDefault("r") ?? "").IsEqualTo(error);
    }

    [Test]
    public async Task Entry_point_tls_options_apply_to_routers_without_a_tls_section()
    {
        var eps = new Dictionary<string, string> { ["websecure"] = "gone@file" };
        var errors = ReferenceCheck.Find(Config(r => r.EntryPoints = ["websecure"]), "kubernetes", eps, ["web", "websecure"]);
        await Assert.That(errors["r"]).IsEqualTo("unknown TLS options: gone@file");
        await Assert.That(errors["other"]).IsEqualTo("unknown TLS options: gone@file").Because("a router without entryPoints is on the defaults");
        var own = ReferenceCheck.Find(Config(r => { r.EntryPoints = ["websecure"]; r.Tls = new RouterTls(); }), "kubernetes", eps, ["web"]);
        await Assert.That(own.ContainsKey("r")).IsFalse().Because("a router with its own tls section keeps it");
    }

    [Test]
    public async Task Servers_transports_of_other_providers_resolve_by_qualified_name()
    {
        var c = Config(service: s => s.LoadBalancer!.ServersTransport = "ns-tr@kubernetescrd");
        await Assert.That(ReferenceCheck.Find(c, "kubernetes")["r"]).IsEqualTo("servers transport not found ns-tr@kubernetescrd");
        c.Http.ServersTransports["ns-tr@kubernetescrd"] = new ServersTransport();
        await Assert.That(ReferenceCheck.Find(c, "kubernetes")).IsEmpty();
    }

    [Test]
    [Arguments("team-a", "")]
    [Arguments("team-b", "TLS options \"team-b-strict@kubernetescrd\" belong to namespace \"team-b\", not \"team-a\"")]
    [Arguments(null, "")]
    public async Task Tenancy_lets_a_namespace_use_only_its_own_tls_options(string? owner, string error)
    {
        var c = Config(r =>
        {
            r.Tls = new RouterTls { Options = "team-b-strict@kubernetescrd" };
            r.Namespace = "team-a";
        });
        c.Tls = new TlsConfig { Options = new() { ["team-b-strict@kubernetescrd"] = new TlsOptions { Namespace = owner } } };
        var errors = ReferenceCheck.Find(c, "kubernetes", tenancy: true);
        await Assert.That(errors.GetValueOrDefault("r") ?? "").IsEqualTo(error);
        await Assert.That(ReferenceCheck.Find(c, "kubernetes", tenancy: false)).IsEmpty();
    }

    [Test]
    public async Task Tenancy_lets_a_namespace_use_only_its_own_servers_transports()
    {
        var c = Config(r => r.Namespace = "team-a",
            s => s.LoadBalancer!.ServersTransport = "team-b-tr@kubernetescrd");
        c.Http.ServersTransports["team-b-tr@kubernetescrd"] = new ServersTransport { Namespace = "team-b" };
        await Assert.That(ReferenceCheck.Find(c, "kubernetes", tenancy: true)["r"])
            .IsEqualTo("servers transport \"team-b-tr@kubernetescrd\" belongs to namespace \"team-b\", not \"team-a\"");
    }

    [Test]
    public async Task Merge_qualifies_tls_options_except_default_and_drops_a_default_defined_twice()
    {
        var crd = new DynamicConfig { Tls = new TlsConfig { Options = new() { ["ns-a"] = new TlsOptions(), ["default"] = new TlsOptions { MinVersion = "VersionTLS13" } } } };
        var file = new DynamicConfig { Tls = new TlsConfig { Options = new() { ["strict"] = new TlsOptions() } } };
        var merged = ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig> { ["kubernetescrd"] = crd, ["file"] = file });
        await Assert.That(merged.Tls!.Options!.Keys.ToList()).IsEquivalentTo(new[] { "default", "ns-a@kubernetescrd", "strict@file" });
        var twice = ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig>
        {
            ["kubernetescrd"] = crd,
            ["file"] = new DynamicConfig { Tls = new TlsConfig { Options = new() { ["default"] = new TlsOptions() } } },
        });
        await Assert.That(twice.Tls!.Options!.ContainsKey("default")).IsFalse();
    }
}
