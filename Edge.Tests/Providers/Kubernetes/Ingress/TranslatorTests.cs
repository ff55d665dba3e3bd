using Edge.Configuration;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using Edge.Tests.EndToEnd;
using k8s.Models;

namespace Edge.Tests.Providers.Kubernetes.Ingress;

public class TranslatorTests
{
    private static ClusterSnapshot Snap(params object[] objects) => ClusterSnapshot.FromObjects(objects);
    private static readonly Dictionary<string, string> Traefik = new() { ["kubernetes.io/ingress.class"] = "traefik" };

    private static V1Ingress Ing(string ns, string name, string host, string path, string svc, int port, Dictionary<string, string>? ann = null)
    {
        var i = K8s.Ingress(ns, name, host, path, svc, port, annotations: ann ?? new Dictionary<string, string>(Traefik));
        i.Metadata.Annotations ??= new Dictionary<string, string>();
        i.Metadata.Annotations["kubernetes.io/ingress.class"] = "traefik";
        return i;
    }

    [Test]
    public async Task Sticky_cookie_annotations_reach_the_service()
    {
        var svc = K8s.Service("default", "s", 80, "http", new Dictionary<string, string>
        {
            ["traefik.ingress.kubernetes.io/service.sticky.cookie"] = "true",
            ["traefik.ingress.kubernetes.io/service.sticky.cookie.name"] = "c1",
            ["traefik.ingress.kubernetes.io/service.sticky.cookie.samesite"] = "lax",
            ["traefik.ingress.kubernetes.io/service.sticky.cookie.maxage"] = "60",
        });
        var r = IngressTranslator.Translate(Snap(Ing("default", "i", "h.example.com", "/", "s", 80), svc,
            K8s.Slice("default", "s", 8080, "http", "10.0.0.1")), new ProviderOptions());
        var cookie = r.Config.Http.Services["default-s-80"].LoadBalancer!.Sticky!.Cookie!;
        await Assert.That(cookie.Name).IsEqualTo("c1");
        await Assert.That(cookie.SameSite).IsEqualTo("lax");
        await Assert.That(cookie.MaxAge).IsEqualTo(60);
        await Assert.That(cookie.Path).IsEqualTo("/");
    }

    [Test]
    public async Task Bad_annotation_value_skips_only_that_ingress_and_names_it()
    {
        var bad = Ing("team", "bad", "bad.example.com", "/", "s", 80, new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.priority"] = "high" });
        var good = Ing("team", "good", "good.example.com", "/", "s", 80);
        var r = IngressTranslator.Translate(Snap(bad, good, K8s.Service("team", "s", 80, "http"), K8s.Slice("team", "s", 8080, "http", "10.0.0.1")), new ProviderOptions());
        await Assert.That(r.Config.Http.Routers.Keys).IsEquivalentTo(new[] { "team-good-good-example-com" });
        await Assert.That(r.Issues.Single().ToString()).Contains("Ingress team/bad");
        await Assert.That(r.Issues.Single().ToString()).Contains("priority");
    }

    [Test]
    public async Task Missing_service_and_port_are_reported_by_name()
    {
        var r = IngressTranslator.Translate(Snap(
            Ing("ns", "nosvc", "a.example.com", "/", "missing", 80),
            Ing("ns", "noport", "b.example.com", "/", "s", 81),
            K8s.Service("ns", "s", 80, "http")), new ProviderOptions());
        await Assert.That(r.Config.Http.Routers.Count).IsEqualTo(0);
        var text = string.Join("\n", r.Issues);
        await Assert.That(text).Contains("Ingress ns/nosvc");
        await Assert.That(text).Contains("service not found");
        await Assert.That(text).Contains("Ingress ns/noport");
        await Assert.That(text).Contains("service port not found");
    }

    [Test]
    public async Task Secrets_are_read_only_from_the_ingress_namespace()
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "cert", NamespaceProperty = "victim" },
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = "CRT"u8.ToArray(), ["tls.key"] = "KEY"u8.ToArray() },
        };
        var thief = Ing("attacker", "steal", "victim.example.com", "/", "s", 80);
        thief.Spec.Tls = [new V1IngressTLS { SecretName = "cert", Hosts = ["victim.example.com"] }];
        var r = IngressTranslator.Translate(Snap(thief, secret, K8s.Service("attacker", "s", 80, "http"),
            K8s.Slice("attacker", "s", 8080, "http", "10.0.0.1")), new ProviderOptions());
        await Assert.That(r.Config.Tls).IsNull();
        await Assert.That(string.Join("\n", r.Issues)).Contains("secret attacker/cert does not exist");
    }

    [Test]
    [Arguments("/", "PathPrefix(\"/\")")]
    [Arguments("/v1", "(Path(\"/v1\") || PathPrefix(\"/v1/\"))")]
    [Arguments("/v1/", "(Path(\"/v1\") || PathPrefix(\"/v1/\"))")]
    public async Task Strict_prefix_rules(string path, string rule)
    {
        await Assert.That(RuleBuilder.Path(true, "PathPrefix", path)).IsEqualTo(rule);
    }

    [Test]
    [Arguments("default-app-app.example.com/", "default-app-app-example-com")]
    [Arguments("-a..b--c-", "a-b-c")]
    [Arguments("ns-ing-/foo/bar", "ns-ing-foo-bar")]
    public async Task Normalize_matches_traefik(string input, string expected)
    {
        await Assert.That(Naming.Normalize(input)).IsEqualTo(expected);
    }

    [Test]
    public async Task Published_service_status_copies_the_load_balancer_address()
    {
        var svc = K8s.Service("kube-system", "edge", 80, "http");
        svc.Spec.Type = "LoadBalancer";
        svc.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "198.51.100.1" }] } };
        var status = IngressStatusComputer.Compute(Snap(svc), new ProviderOptions { IngressEndpointPublishedService = "kube-system/edge" }, out var error);
        await Assert.That(error).IsNull();
        await Assert.That(status![0].Ip).IsEqualTo("198.51.100.1");
        var missing = IngressStatusComputer.Compute(Snap(), new ProviderOptions { IngressEndpointPublishedService = "kube-system/none" }, out var error2);
        await Assert.That(missing).IsNull();
        await Assert.That(error2!).Contains("missing service");
    }

    [Test]
    public async Task Tenancy_limits_a_certificate_to_its_namespace_hosts()
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "wild", NamespaceProperty = "a" },
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = "CRT"u8.ToArray(), ["tls.key"] = "KEY"u8.ToArray() },
        };
        var ingA = Ing("a", "app", "a.example.com", "/", "s", 80);
        ingA.Spec.Tls = [new V1IngressTLS { SecretName = "wild", Hosts = ["tls.a.example.com"] }];
        var ingB = Ing("b", "app", "b.example.com", "/", "s", 80);
        var objects = new object[] { ingA, ingB, secret, K8s.Service("a", "s", 80, "http"), K8s.Slice("a", "s", 8080, "http", "10.0.0.1"),
            K8s.Service("b", "s", 80, "http"), K8s.Slice("b", "s", 8080, "http", "10.0.0.2") };
        var off = IngressTranslator.Translate(Snap(objects), new ProviderOptions());
        await Assert.That(off.Config.Tls!.Certificates[0].AllowedNames).IsNull();
        var on = IngressTranslator.Translate(Snap(objects), new ProviderOptions { TenancyEnabled = true });
        await Assert.That(on.Config.Tls!.Certificates[0].AllowedNames!.Order().ToList())
            .IsEquivalentTo(new[] { "a.example.com", "tls.a.example.com" });
    }

    [Test]
    public async Task Huge_tls_domain_index_is_an_error_on_that_ingress_only()
    {
        // Regression (found by ParserPropertyTests): the index overflowed int and escaped as an
        // OverflowException, which stopped the whole translation instead of skipping one Ingress.
        var bad = Ing("team", "bad", "bad.example.com", "/", "s", 80, new Dictionary<string, string>
        {
            ["traefik.ingress.kubernetes.io/router.tls.domains.99999999999999999999.main"] = "a.example.com",
        });
        var good = Ing("team", "good", "good.example.com", "/", "s", 80);
        var r = IngressTranslator.Translate(Snap(bad, good, K8s.Service("team", "s", 80, "http"), K8s.Slice("team", "s", 8080, "http", "10.0.0.1")), new ProviderOptions());
        await Assert.That(r.Config.Http.Routers.Keys).IsEquivalentTo(new[] { "team-good-good-example-com" });
        await Assert.That(r.Issues.Single().ToString()).Contains("Ingress team/bad").And.Contains("tls domain index 99999999999999999999 too large");
    }
}
