using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using Edge.Providers.Kubernetes.Ingress.Tenancy;
using Edge.Tests.EndToEnd;
using k8s.Models;

namespace Edge.Tests.Providers.Kubernetes.Ingress.Tenancy;

/// <summary>
/// Tenancy rules on the pure translator: who owns a host, what a Namespace annotation allows,
/// who may declare catch-alls, which hosts a certificate may be offered for, and the limits.
/// </summary>
public class TenancyPolicyTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    internal static V1Ingress Ing(string ns, string name, string? host, DateTime? created = null, string path = "/", string? secret = null, string svc = "web")
    {
        var i = K8s.Ingress(ns, name, host, path, svc, 80, annotations: new Dictionary<string, string> { ["kubernetes.io/ingress.class"] = "traefik" }, secret: secret);
        i.Metadata.CreationTimestamp = created;
        i.Metadata.Uid = ns + "-" + name;
        return i;
    }

    private static IEnumerable<object> Backends(params string[] namespaces) => namespaces.SelectMany(ns => new object[]
    {
        K8s.Service(ns, "web", 80, "http"), K8s.Slice(ns, "web", 8080, "http", "10.0.0.1"),
    });

    internal static V1Namespace Ns(string name, Dictionary<string, string>? annotations = null) => new()
    {
        ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = name, Annotations = annotations },
    };

    private static TranslationResult Translate(ProviderOptions options, params object[] objects) =>
        IngressTranslator.Translate(ClusterSnapshot.FromObjects(objects.Concat(Backends("team-a", "team-b", "infra"))), options);

    private static ProviderOptions Tenancy(params string[] catchAll)
    {
        var o = new ProviderOptions { TenancyEnabled = true };
        o.Tenancy.DefaultBackendNamespaces = catchAll.ToList();
        return o;
    }

    [Test]
    public async Task Without_tenancy_both_namespaces_serve_the_same_host_as_traefik_does()
    {
        var r = Translate(new ProviderOptions(), Ing("team-a", "app", "shop.example.com", T0), Ing("team-b", "evil", "shop.example.com", T0.AddHours(1)));
        await Assert.That(r.Config.Http.Routers.Values.All(x => x.DisabledReason is null)).IsTrue();
        await Assert.That(r.Config.Http.Routers.Count).IsEqualTo(2);
        await Assert.That(r.Warnings.Count).IsEqualTo(0);
    }

    [Test]
    public async Task The_oldest_claim_owns_a_host_and_the_other_namespace_is_told_why()
    {
        // team-b sorts after team-a, but its Ingress is older: age decides, not the name.
        var r = Translate(Tenancy(), Ing("team-a", "late", "shop.example.com", T0.AddHours(1)), Ing("team-b", "early", "shop.example.com", T0));
        var loser = r.Config.Http.Routers["team-a-late-shop-example-com"];
        await Assert.That(loser.DisabledReason).IsEqualTo("host \"shop.example.com\" belongs to namespace \"team-b\" (Ingress team-b/early claimed it first)");
        await Assert.That(r.Config.Http.Routers["team-b-early-shop-example-com"].DisabledReason).IsNull();
        var warning = r.Warnings.Single();
        await Assert.That(warning.Ingress.Metadata.Name).IsEqualTo("late");
        await Assert.That(warning.Reason).IsEqualTo(TenancyPolicy.HostConflictReason);
        await Assert.That(r.Issues.Single().ToString()).StartsWith("Ingress team-a/late: rules for host \"shop.example.com\" are not served");
    }

    [Test]
    public async Task Equal_ages_fall_back_to_namespace_then_name_and_same_namespace_never_conflicts()
    {
        var r = Translate(Tenancy(), Ing("team-b", "x", "h.example.com", T0), Ing("team-a", "y", "h.example.com", T0), Ing("team-a", "z", "h.example.com", T0.AddDays(1), path: "/z"));
        await Assert.That(r.Config.Http.Routers["team-b-x-h-example-com"].DisabledReason).Contains("belongs to namespace \"team-a\" (Ingress team-a/y");
        await Assert.That(r.Config.Http.Routers["team-a-y-h-example-com"].DisabledReason).IsNull();
        await Assert.That(r.Config.Http.Routers["team-a-z-h-example-com-z"].DisabledReason).IsNull();
    }

    [Test]
    public async Task Host_comparison_ignores_case()
    {
        var r = Translate(Tenancy(), Ing("team-a", "a", "Shop.Example.com", T0), Ing("team-b", "b", "shop.example.com", T0.AddMinutes(1)));
        await Assert.That(r.Config.Http.Routers["team-b-b-shop-example-com"].DisabledReason).Contains("team-a");
    }

    [Test]
    public async Task Allowed_hosts_annotation_limits_what_a_namespace_may_claim()
    {
        var nsA = Ns("team-a", new() { [NamespacePolicy.AllowedHostsAnnotation] = "*.team-a.example.com, team-a.example.com" });
        var r = Translate(Tenancy(), nsA,
            Ing("team-a", "ok", "api.team-a.example.com", T0),
            Ing("team-a", "apex", "team-a.example.com", T0),
            Ing("team-a", "grab", "pay.example.com", T0),             // outside its patterns, and older than team-b's
            Ing("team-b", "pay", "pay.example.com", T0.AddHours(1)));  // no annotation on team-b: any host
        await Assert.That(r.Config.Http.Routers["team-a-ok-api-team-a-example-com"].DisabledReason).IsNull();
        await Assert.That(r.Config.Http.Routers["team-a-apex-team-a-example-com"].DisabledReason).IsNull();
        await Assert.That(r.Config.Http.Routers["team-a-grab-pay-example-com"].DisabledReason).Contains("is not allowed for namespace \"team-a\"");
        // A claim the namespace may not make does not take the host from the namespace that may.
        await Assert.That(r.Config.Http.Routers["team-b-pay-pay-example-com"].DisabledReason).IsNull();
        await Assert.That(r.Warnings.Single().Reason).IsEqualTo(TenancyPolicy.HostNotAllowedReason);
    }

    [Test]
    public async Task A_rule_without_host_is_a_catch_all_and_needs_the_allowlist()
    {
        var r = Translate(Tenancy("infra"), Ing("team-b", "sneaky", null, T0, path: "/login"), Ing("infra", "errors", null, T0, path: "/errors"));
        await Assert.That(r.Config.Http.Routers["team-b-sneaky-login"].DisabledReason).Contains("not in tenancy.defaultBackendNamespaces");
        await Assert.That(r.Config.Http.Routers["infra-errors-errors"].DisabledReason).IsNull();
        await Assert.That(r.Warnings.Single().Reason).IsEqualTo(TenancyPolicy.CatchAllNotAllowedReason);
    }

    [Test]
    public async Task Only_allowlisted_namespaces_get_the_default_backend_even_when_a_rogue_one_sorts_first()
    {
        var rogue = DefaultBackend("aaa-rogue", "web");
        var infra = DefaultBackend("infra", "web");
        var r = IngressTranslator.Translate(ClusterSnapshot.FromObjects(new object[] { rogue, infra }.Concat(Backends("aaa-rogue", "infra"))), Tenancy("infra"));
        await Assert.That(r.Config.Http.Services["default-backend"].LoadBalancer!.Servers!.Count).IsEqualTo(1);
        await Assert.That(r.Config.Http.Routers["default-router"].Observability!.Metadata!.Ingress!.Namespace).IsEqualTo("infra");
        await Assert.That(r.Issues.Single().ToString()).IsEqualTo("Ingress aaa-rogue/catch-all: default backend is not served: namespace \"aaa-rogue\" is not in tenancy.defaultBackendNamespaces");
        await Assert.That(r.Warnings.Single().Ingress.Metadata.NamespaceProperty).IsEqualTo("aaa-rogue");

        // Traefik's behaviour without tenancy: the first in namespace/name order wins.
        var plain = IngressTranslator.Translate(ClusterSnapshot.FromObjects(new object[] { rogue, infra }.Concat(Backends("aaa-rogue", "infra"))), new ProviderOptions());
        await Assert.That(plain.Config.Http.Routers["default-router"].Observability!.Metadata!.Ingress!.Namespace).IsEqualTo("aaa-rogue");
    }

    internal static V1Ingress DefaultBackend(string ns, string svc) => new()
    {
        ApiVersion = "networking.k8s.io/v1", Kind = "Ingress",
        Metadata = new V1ObjectMeta { Name = "catch-all", NamespaceProperty = ns, Uid = ns + "-catch-all", Annotations = new Dictionary<string, string> { ["kubernetes.io/ingress.class"] = "traefik" } },
        Spec = new V1IngressSpec { DefaultBackend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = svc, Port = new V1ServiceBackendPort { Number = 80 } } } },
    };

    [Test]
    public async Task A_certificate_is_offered_only_for_hosts_its_namespace_owns()
    {
        var secretA = TlsEndToEndTests.TlsSecret("team-a", "cert", TlsEndToEndTests.SelfSigned("a", "*.example.com"));
        var secretB = TlsEndToEndTests.TlsSecret("team-b", "cert", TlsEndToEndTests.SelfSigned("b", "*.example.com"));
        var r = Translate(Tenancy(), secretA, secretB,
            Ing("team-a", "shop", "shop.example.com", T0, secret: "cert"),
            Ing("team-b", "blog", "blog.example.com", T0, secret: "cert"),
            Ing("team-b", "steal", "shop.example.com", T0.AddHours(1), secret: "cert")); // declares team-a's host in tls.hosts too
        var byNs = r.Config.Tls!.Certificates!.ToDictionary(c => c.Namespace!);
        await Assert.That(byNs["team-a"].AllowedNames!).IsEquivalentTo(new[] { "shop.example.com" });
        await Assert.That(byNs["team-b"].AllowedNames!).IsEquivalentTo(new[] { "blog.example.com" });
    }

    [Test]
    public async Task Limits_come_from_flags_and_namespace_annotations_override_them()
    {
        var options = Tenancy();
        options.Tenancy.RateLimitAverage = 100;
        options.Tenancy.MaxConcurrentRequests = 50;
        var r = Translate(options,
            Ns("team-a", new() { [NamespacePolicy.RateLimitAnnotation] = "5", [NamespacePolicy.RateBurstAnnotation] = "10", [NamespacePolicy.MaxConcurrentAnnotation] = "2" }),
            Ns("team-b", new() { [NamespacePolicy.RateLimitAnnotation] = "lots" }),
            Ing("team-a", "a", "a.example.com", T0), Ing("team-b", "b", "b.example.com", T0));
        await Assert.That(r.Config.NamespaceLimits["team-a"]).IsEqualTo(new NamespaceLimits(5, 10, 2));
        await Assert.That(r.Config.NamespaceLimits["team-b"]).IsEqualTo(new NamespaceLimits(100, 100, 50));
        await Assert.That(r.Issues.Single().ToString()).IsEqualTo("Namespace team-b: annotation edge.io/rate-limit=\"lots\" is not a non-negative integer, using 100");
    }
}
