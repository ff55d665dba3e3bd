using Edge.Configuration;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>Traefik's CRD provider for Middleware objects, as a pure function of the objects read.</summary>
public class MiddlewareTranslatorTests
{
    private static (SortedDictionary<string, Edge.Model.Middleware> Result, List<TranslationIssue> Issues) Translate(string yaml, CrdProviderOptions? options = null)
    {
        var docs = ManifestParser.Parse(yaml, "test").ToList();
        foreach (var d in docs) if (d.Error is not null) throw new InvalidOperationException(d.Error);
        var snapshot = ClusterSnapshot.FromObjects(docs.Select(d => d.Object!));
        var issues = new List<TranslationIssue>();
        return (MiddlewareTranslator.Translate(snapshot, options ?? new CrdProviderOptions(), issues), issues);
    }

    private const string Strip = """
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata:
          name: strip.api
          namespace: team-a
        spec:
          stripPrefix:
            prefixes: ["/api"]
        """;

    [Test]
    public async Task Names_are_namespace_name_normalised_as_Traefik_does()
    {
        var (r, issues) = Translate(Strip);
        await Assert.That(r.Keys.ToList()).IsEquivalentTo(new[] { "team-a-strip-api" });
        await Assert.That(r["team-a-strip-api"].StripPrefix!.Prefixes).IsEquivalentTo(new[] { "/api" });
        await Assert.That(issues).IsEmpty();
    }

    [Test]
    [Arguments("users", "Opaque", "users: dGVzdDokYXByMSRINnVza2trVyRJZ1hMUDZld1RyU3VCa1RycUU4d2ovCg==", "test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/")]
    [Arguments("typed", "kubernetes.io/basic-auth", "username: dGVzdA==\n  password: dGVzdA==", "test:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=")]
    public async Task BasicAuth_users_come_from_the_Secret(string name, string type, string data, string user)
    {
        var (r, issues) = Translate($"""
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {"{"}name: auth, namespace: default{"}"}
            spec:
              basicAuth:
                secret: {name}
                realm: edge
            ---
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: {name}, namespace: default{"}"}
            type: {type}
            data:
              {data}
            """);
        await Assert.That(issues).IsEmpty();
        await Assert.That(r["default-auth"].BasicAuth!.Users).IsEquivalentTo(new[] { user });
        await Assert.That(r["default-auth"].BasicAuth!.Realm).IsEqualTo("edge");
    }

    [Test]
    [Arguments("basicAuth:\n    secret: nope", "secret 'default/nope' not found")]
    [Arguments("plugin:\n    demo: {}", "middleware type \"plugin\" is not supported by Edge yet")]
    [Arguments("sillyType: {}", "unknown middleware type \"sillyType\"")]
    [Arguments("addPrefix: {prefix: /a}\n  stripPrefix: {prefixes: [/b]}", "multi-types middleware not supported")]
    [Arguments("chain:\n    middlewares:\n    - name: other\n      namespace: team-b", "allowCrossNamespace is disabled")]
    [Arguments("chain:\n    middlewares:\n    - name: x@kubernetescrd", "@kubernetescrd references are disallowed")]
    public async Task A_middleware_Edge_cannot_serve_is_kept_in_error_and_reported(string spec, string error)
    {
        var (r, issues) = Translate($"""
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {"{"}name: m, namespace: default{"}"}
            spec:
              {spec}
            """);
        await Assert.That(r["default-m"].Error).Contains(error);
        await Assert.That(issues.Single().ToString()).StartsWith("Middleware default/m: ");
    }

    [Test]
    public async Task Chain_references_resolve_to_qualified_names()
    {
        var (r, _) = Translate("""
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: c, namespace: default}
            spec:
              chain:
                middlewares:
                - name: strip
                - name: other
                  namespace: team-b
                - name: auth@file
            """, new CrdProviderOptions { AllowCrossNamespace = true });
        await Assert.That(r["default-c"].Chain!.Middlewares).IsEquivalentTo(new[] { "default-strip@kubernetescrd", "team-b-other@kubernetescrd", "auth@file" });
    }
}
