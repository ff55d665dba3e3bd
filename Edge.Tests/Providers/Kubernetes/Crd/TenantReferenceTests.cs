using Edge.Configuration;
using Edge.DataPlane.Middlewares;
using Edge.Model;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// Issue 14's tenancy rule: a tenant's errors page service and forwardAuth server must be in its
/// own namespace, whatever allowCrossNamespace says; otherwise the Middleware is in error (named,
/// with the service) and a router using it is not served. Outside tenancy mode Traefik's rules hold.
/// </summary>
public class TenantReferenceTests
{
    private const string SharedPage = """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: page, namespace: shared}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: page-abc, namespace: shared, labels: {kubernetes.io/service-name: page}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints: [{addresses: [10.10.0.9]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: page, namespace: default}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: page-abc, namespace: default, labels: {kubernetes.io/service-name: page}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints: [{addresses: [10.10.0.8]}]
        """;

    private static CrdProviderOptions Options(bool tenancy) => new() { AllowCrossNamespace = true, Tenancy = tenancy ? new TenancyOptions() : null };

    private static Middleware Errors(string serviceNamespace, bool tenancy) =>
        MiddlewareTypesTranslatorTests.Translate($"errors: {{status: [\"500-599\"], query: /err, service: {{name: page, namespace: {serviceNamespace}, port: 80}}}}",
            SharedPage, Options(tenancy)).Middlewares["default-mw"];

    [Test]
    public async Task An_errors_service_of_another_namespace_puts_the_middleware_in_error_in_tenancy_mode_naming_the_service()
    {
        var m = Errors("shared", tenancy: true);
        await Assert.That(m.Error).IsEqualTo("in tenancy mode the errors service shared/page must be in the Middleware's namespace default");
        await Assert.That(m.Errors).IsNull();
    }

    [Test]
    public async Task Outside_tenancy_mode_allowCrossNamespace_lets_the_same_errors_service_through()
    {
        var m = Errors("shared", tenancy: false);
        await Assert.That(m.Error).IsNull();
        await Assert.That(m.Errors!.Service).IsEqualTo("default-mw-errorpage-service");
    }

    [Test]
    public async Task The_tenants_own_errors_service_is_served_in_tenancy_mode()
    {
        var m = Errors("default", tenancy: true);
        await Assert.That(m.Error).IsNull();
        await Assert.That(m.Errors!.Service).IsEqualTo("default-mw-errorpage-service");
    }

    [Test]
    [Arguments("http://auth.default:8080/check", null)]
    [Arguments("http://auth.default.svc:8080/check", null)]
    [Arguments("https://auth.default.svc.cluster.local/check", null)]
    [Arguments("https://auth.example.com/check", null)]
    [Arguments("http://auth.other:8080", "(it is in namespace other)")]
    [Arguments("http://auth.other.svc.cluster.local.:8080", "(it is in namespace other)")]
    [Arguments("http://10-1-2-3.other.pod.cluster.local", "(it is in namespace other)")]
    [Arguments("http://auth:8080", "(a single-label name resolves in Edge's namespace)")]
    [Arguments("http://10.0.0.7:8080", "(an IP address may be any namespace's)")]
    [Arguments("http://[::1]:8080", "(an IP address may be any namespace's)")]
    public async Task A_forwardAuth_address_must_be_a_Service_of_the_tenants_namespace(string address, string? why)
    {
        var tenant = MiddlewareTypesTranslatorTests.Translate($"forwardAuth: {{address: \"{address}\"}}", "", Options(true)).Middlewares["default-mw"];
        var admin = MiddlewareTypesTranslatorTests.Translate($"forwardAuth: {{address: \"{address}\"}}", "", Options(false)).Middlewares["default-mw"];
        await Assert.That(admin.Error).IsNull().Because("outside tenancy mode any address is Traefik's");
        if (why is null) { await Assert.That(tenant.Error).IsNull(); return; }
        var host = new Uri(address).Host.TrimEnd('.');
        await Assert.That(tenant.Error).IsEqualTo($"in tenancy mode the forwardAuth service {host} must be a Service of the Middleware's namespace default {why}");
    }

    [Test]
    public async Task A_router_using_the_refused_middleware_is_in_error_with_the_middleware_and_the_service_named()
    {
        var m = Errors("shared", tenancy: true);
        m.Namespace = "default";
        var config = new DynamicConfig();
        config.Http.Middlewares["default-mw@kubernetescrd"] = m;
        config.Http.Routers["default-app"] = new Router
        {
            Rule = "Host(`a.example`)", Service = "default-app", Middlewares = ["default-mw@kubernetescrd"],
            Observability = new RouterObservability { Metadata = new ObservabilityMetadata { Ingress = new IngressMetadata { Namespace = "default" } } },
        };
        var errors = new Dictionary<string, string>();
        ChainCompiler.CompileAll(config, "kubernetes", tenancy: true, errors, _ => Task.CompletedTask);
        await Assert.That(errors["default-app"]).IsEqualTo(
            "middleware \"default-mw@kubernetescrd\": in tenancy mode the errors service shared/page must be in the Middleware's namespace default");
    }
}
