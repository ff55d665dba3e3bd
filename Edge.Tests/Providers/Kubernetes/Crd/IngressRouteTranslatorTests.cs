using Edge.Aggregation;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// The CRD provider's IngressRoute and TraefikService translation beyond Traefik's corpus: what
/// Edge refuses (fail closed, the router kept disabled with the reason) and what it only names.
/// </summary>
public class IngressRouteTranslatorTests
{
    private const string Services = """
        apiVersion: v1
        kind: Service
        metadata: {name: whoami, namespace: default}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: whoami-abc, namespace: default, labels: {kubernetes.io/service-name: whoami}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints: [{addresses: [10.10.0.1]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: whoami, namespace: other}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: whoami-abc, namespace: other, labels: {kubernetes.io/service-name: whoami}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints: [{addresses: [10.10.0.2]}]
        """;

    private static TranslationOutput Translate(string yaml, CrdProviderOptions? options = null)
    {
        var docs = ManifestParser.Parse(Services + "\n---\n" + yaml, "test").ToList();
        foreach (var d in docs) if (d.Error is not null) throw new InvalidOperationException(d.Error);
        return CrdBinding.Translate(ClusterSnapshot.FromObjects(docs.Select(d => d.Object!)), options ?? new CrdProviderOptions());
    }

    private static string Route(string routeYaml, string name = "app", string extra = "") => $$"""
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: {{name}}, namespace: default{{extra}}}
        spec:
          routes:
            - {{routeYaml}}
        """;

    public static IEnumerable<Func<(string Route, bool AllowCross, string Error)>> Refusals() =>
    [
        () => ("{match: Host(`a`), services: [{name: whoami, namespace: other, port: 80}]}", false, "service other/whoami not in the parent resource namespace default"),
        () => ("{match: Host(`a`), middlewares: [{name: m, namespace: other}], services: [{name: whoami, port: 80}]}", false,
            "Failed to create middleware keys: invalid reference to middleware m: allowCrossNamespace is disabled, cross-namespace are disallowed"),
        () => ("{match: Host(`a`), middlewares: [{name: default-m@kubernetescrd}], services: [{name: whoami, port: 80}]}", false,
            "Failed to create middleware keys: invalid reference to middleware default-m@kubernetescrd: when allowCrossNamespace is disabled, @kubernetescrd references are disallowed"),
        () => ("{match: Host(`a`), services: [{name: whoami, port: 81}]}", false, "service port not found: 81"),
        () => ("{match: Host(`a`), services: [{name: whoami}]}", false, "ingressRoute service port not defined"),
        () => ("{match: Host(`a`), services: [{name: whoami, port: 80, scheme: ftp}]}", false, "invalid scheme \"ftp\" specified"),
        () => ("{match: Host(`a`), services: [{name: whoami, port: 80, strategy: random}]}", false, "load-balancer strategy random is not supported"),
        () => ("{match: Host(`a`), services: [{name: whoami, port: 80, kind: Gateway}]}", false, "unsupported service kind Gateway"),
        () => ("{match: Host(`a`), kind: Regexp, services: [{name: whoami, port: 80}]}", false, "Unsupported match kind: Regexp. Only \"Rule\" is supported for now."),
        () => ("{match: Host(`a`), services: [{name: whoami, port: 80, healthCheck: {path: /health}}]}", false,
            "healthCheck allowed only for ExternalName services: default/whoami"),
        () => ("{match: Host(`a`), services: [{name: whoami, port: 80, passiveHealthCheck: {maxFailedAttempts: 3}}]}", false,
            "spec.routes[0].services[0].passiveHealthCheck: not supported by Edge, the route is not served without it"),
    ];

    [Test]
    [MethodDataSource(nameof(Refusals))]
    public async Task A_route_Traefik_drops_is_kept_disabled_with_Traefiks_error(string route, bool allowCross, string error)
    {
        var output = Translate(Route(route), new CrdProviderOptions { AllowCrossNamespace = allowCross });
        var router = output.Config.Http.Routers.Values.Single();
        await Assert.That(router.DisabledReason).IsEqualTo(error);
        await Assert.That(output.Issues.Single(i => i.StartsWith("IngressRoute default/app: ", StringComparison.Ordinal))).Contains(error);
    }

    [Test]
    public async Task A_cross_namespace_service_is_served_with_allowCrossNamespace()
    {
        var output = Translate(Route("{match: Host(`a`), services: [{name: whoami, namespace: other, port: 80}]}"), new CrdProviderOptions { AllowCrossNamespace = true });
        var (name, router) = output.Config.Http.Routers.Single();
        await Assert.That(router.DisabledReason).IsNull();
        await Assert.That(output.Config.Http.Services[name].LoadBalancer!.Servers!.Single().Url).IsEqualTo("http://10.10.0.2:8080");
    }

    [Test]
    [Arguments("", "", true)]
    [Arguments("", "traefik", true)]
    [Arguments("", "other", false)]
    [Arguments("edge", "edge", true)]
    [Arguments("edge", "", false)]
    public async Task The_ingress_class_annotation_selects_routes_as_Traefik_does(string providerClass, string annotation, bool served)
    {
        var extra = annotation.Length == 0 ? "" : $", annotations: {{kubernetes.io/ingress.class: {annotation}}}";
        var output = Translate(Route("{match: Host(`a`), services: [{name: whoami, port: 80}]}", extra: extra), new CrdProviderOptions { IngressClass = providerClass });
        await Assert.That(output.Config.Http.Routers.Count).IsEqualTo(served ? 1 : 0);
    }

    [Test]
    public async Task TLS_secret_and_options_are_read_from_the_route_namespace()
    {
        var output = Translate("""
            apiVersion: v1
            kind: Secret
            metadata: {name: cert, namespace: default}
            data: {tls.crt: Y2VydA==, tls.key: a2V5}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: app, namespace: default}
            spec:
              tls: {secretName: cert, options: {name: strict}, certResolver: le, domains: [{main: a.example.com}]}
              routes: [{match: Host(`a.example.com`), services: [{name: whoami, port: 80}]}]
            """);
        var router = output.Config.Http.Routers.Values.Single();
        await Assert.That(router.Tls!.Options).IsEqualTo("default-strict");
        await Assert.That(router.Tls.CertResolver).IsEqualTo("le");
        await Assert.That(router.Tls.Domains!.Single().Main).IsEqualTo("a.example.com");
        var cert = output.Config.Tls!.Certificates.Single();
        await Assert.That(cert.CertFile).IsEqualTo("cert");
        await Assert.That(cert.SourceSecret).IsEqualTo("default/cert");
    }

    public static IEnumerable<Func<(string Spec, string Error)>> ServiceOfServices() =>
    [
        () => ("mirroring: {name: whoami, port: 80, mirrors: [{name: whoami, port: 80, percent: 101}]}",
            "service \"default-ts@kubernetescrd\": percent must be between 0 and 100"),
        // Traefik's failover needs a main service that reports its health (or errors.status).
        () => ("failover: {service: {name: whoami, port: 80}, fallback: {name: whoami, port: 80}}",
            "cannot register default-whoami-80@kubernetescrd as updater for default-ts@kubernetescrd: healthCheck not enabled in config for this WRR service"),
        () => ("failover: {service: {name: whoami, port: 80}, fallback: {name: whoami, port: 80}, errors: {status: [\"5xx\"]}}",
            "error creating failover service default-ts@kubernetescrd: creating HTTP code ranges: strconv.Atoi: parsing \"5xx\": invalid syntax"),
        () => ("weighted: {services: [{name: inner, kind: TraefikService}]}", "the service \"default-inner@kubernetescrd\" does not exist"),
        () => ("weighted: {services: [{name: ts, kind: TraefikService}]}", "service \"default-ts@kubernetescrd\": recursion detected in weighted services"),
    ];

    /// <summary>A service of services Traefik would refuse keeps the routers using it out, named (ReferenceCheck on the merged configuration).</summary>
    [Test]
    [MethodDataSource(nameof(ServiceOfServices))]
    public async Task A_service_of_services_that_cannot_be_built_puts_its_routers_in_error(string spec, string error)
    {
        var output = Translate($$"""
            apiVersion: traefik.io/v1alpha1
            kind: TraefikService
            metadata: {name: ts, namespace: default}
            spec: { {{spec}} }
            ---
            {{Route("{match: Host(`a`), services: [{name: ts, kind: TraefikService}]}")}}
            """);
        await Assert.That(output.Issues.Where(i => i.StartsWith("TraefikService", StringComparison.Ordinal))).IsEmpty();
        var merged = ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig> { [ProviderNames.KubernetesCrd] = output.Config });
        var errors = ReferenceCheck.Find(merged, ProviderNames.Kubernetes);
        await Assert.That(errors.Single().Value).IsEqualTo(error);
    }

    [Test]
    public async Task A_weighted_TraefikService_resolves_its_children_in_its_own_provider()
    {
        var output = Translate("""
            apiVersion: traefik.io/v1alpha1
            kind: TraefikService
            metadata: {name: ts, namespace: default}
            spec: {weighted: {services: [{name: whoami, port: 80, weight: 2}], sticky: {cookie: {name: lane}}}}
            """ + "\n---\n" + Route("{match: Host(`a`), services: [{name: ts, kind: TraefikService}]}"));
        var ts = output.Config.Http.Services["default-ts"].Weighted!;
        await Assert.That(ts.Services!.Single().Name).IsEqualTo("default-whoami-80");
        await Assert.That(ts.Services!.Single().Weight).IsEqualTo(2);
        await Assert.That(ts.Sticky!.Cookie!.Name).IsEqualTo("lane");
        await Assert.That(ts.Sticky.Cookie.Path).IsEqualTo("/");
        var merged = ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig> { [ProviderNames.KubernetesCrd] = output.Config });
        await Assert.That(ReferenceCheck.Find(merged, ProviderNames.Kubernetes)).IsEmpty();
    }
}
