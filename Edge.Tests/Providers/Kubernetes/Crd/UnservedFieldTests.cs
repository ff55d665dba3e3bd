using Edge.Configuration;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// A Middleware field Traefik honours but Edge does not read is never silently dropped: the
/// middleware is kept in error, naming the field, so its routers are not served without it.
/// </summary>
public class UnservedFieldTests
{
    private static (Edge.Model.Middleware Middleware, List<TranslationIssue> Issues) Translate(string spec)
    {
        var yaml = $"""
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {"{"}name: mw, namespace: default{"}"}
            spec:
            {spec}
            """;
        var docs = ManifestParser.Parse(yaml, "test").ToList();
        foreach (var d in docs) if (d.Error is not null) throw new InvalidOperationException(d.Error);
        var issues = new List<TranslationIssue>();
        var result = MiddlewareTranslator.Translate(ClusterSnapshot.FromObjects(docs.Select(d => d.Object!)), new CrdProviderOptions(), issues);
        return (result["default-mw"], issues);
    }

    [Test]
    [Arguments("  headers:\n    allowedHosts: [\"app.example.com\"]", "headers.allowedHosts")]
    [Arguments("  headers:\n    hostsProxyHeaders: [\"X-Forwarded-Host\"]", "headers.hostsProxyHeaders")]
    [Arguments("  headers:\n    sslProxyHeaders: {X-Forwarded-Proto: https}", "headers.sslProxyHeaders")]
    [Arguments("  headers:\n    accessControlAllowOriginListRegex: [\"^https://.*\\\\.example\\\\.com$\"]", "headers.accessControlAllowOriginListRegex")]
    [Arguments("  headers:\n    isDevelopment: true", "headers.isDevelopment")]
    [Arguments("  headers:\n    publicKey: \"pin-sha256=abc\"", "headers.publicKey")]
    [Arguments("  ipAllowList:\n    sourceRange: [\"10.0.0.0/8\"]\n    ipStrategy: {ipv6Subnet: 64}", "ipAllowList.ipStrategy.ipv6Subnet")]
    [Arguments("  basicAuth:\n    secret: users\n    headerfield: X-User", "basicAuth.headerfield")]
    [Arguments("  chain:\n    middlewares: [{name: a, namespace: default, weight: 1}]", "chain.middlewares[].weight")]
    public async Task A_field_edge_does_not_serve_keeps_the_middleware_in_error_naming_it(string spec, string field)
    {
        var (mw, issues) = Translate(spec);
        await Assert.That(mw.Error).IsNotNull();
        await Assert.That(mw.Error!).StartsWith(field + ": not supported by Edge");
        await Assert.That(issues.Single().ToString()).Contains(field).Because("the log line names the object and the field");
    }

    [Test]
    public async Task Fields_edge_serves_leave_the_middleware_served()
    {
        var (mw, issues) = Translate("  headers:\n    customRequestHeaders: {X-Script: one}\n    stsSeconds: 31536000\n    frameDeny: true\n    accessControlAllowOriginList: [\"https://a.example.com\"]");
        await Assert.That(mw.Error).IsNull();
        await Assert.That(issues).IsEmpty();
        await Assert.That(mw.Headers!.StsSeconds).IsEqualTo(31536000);
    }
}
