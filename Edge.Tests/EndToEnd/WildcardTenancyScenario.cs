using Edge.Tests.FakeApi;
using Edge.Tests.Providers.Kubernetes.Ingress.Tenancy;
using Edge.Tests.Tenancy;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Wildcard hosts between two tenants (issue 20), seeded into the fake API server; every rule is a
/// TLS router, so each request is also a handshake whose certificate can be checked:
/// <list type="bullet">
/// <item>team-a (backend "a"): <c>app.a.example.com</c> (older than team-b's wildcard) and
/// <c>late.a.example.com</c> (younger), both path <c>/</c> and without a certificate of their own;
/// <c>*.a.example.net</c>.</item>
/// <item>team-b (backend "b"): <c>*.a.example.com</c> with paths <c>/admin</c> and <c>/</c> and a
/// <c>*.a.example.com</c> certificate; <c>*.example.net</c> (a wildcard one level shallower than
/// team-a's); <c>app.a.example.com.</c> (a trailing-dot copy of team-a's host, path <c>/admin</c>);
/// and an Ingress whose host <c>evil_host.a.example.com</c> is not a valid name.</item>
/// </list>
/// </summary>
public static class WildcardTenancyScenario
{
    public static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly (string Cert, string Key) CertB = TlsEndToEndTests.SelfSigned("team-b", "*.a.example.com");

    public static Task<DataPlaneFixture> StartAsync() =>
        DataPlaneFixture.StartAsync(Seed, "--tenancy.enabled=true");

    public static void Seed(FakeApiServer api, int port)
    {
        api.Upsert(TenancyPolicyTests.Ns("team-a"));
        api.Upsert(TenancyPolicyTests.Ns("team-b"));
        api.Upsert(K8s.Service("team-a", "web", 80, "http"));
        api.Upsert(K8s.Slice("team-a", "web", port, "http", "127.0.0.2"));
        api.Upsert(K8s.Service("team-b", "web", 80, "http"));
        api.Upsert(K8s.Slice("team-b", "web", port, "http", "127.0.0.3"));
        api.Upsert(TlsEndToEndTests.TlsSecret("team-b", "wild", CertB));

        api.Upsert(Tls(WildcardOwnershipTests.Paths("team-a", "app", "app.a.example.com", T0, "/")));
        api.Upsert(Tls(WildcardOwnershipTests.Paths("team-a", "late", "late.a.example.com", T0.AddHours(2), "/")));
        api.Upsert(Tls(WildcardOwnershipTests.Paths("team-a", "deep", "*.a.example.net", T0.AddHours(1), "/")));

        var wild = WildcardOwnershipTests.Paths("team-b", "wild", "*.a.example.com", T0.AddHours(1), "/admin", "/");
        wild.Spec.Tls = [new V1IngressTLS { SecretName = "wild", Hosts = ["*.a.example.com"] }];
        api.Upsert(Tls(wild));
        api.Upsert(Tls(WildcardOwnershipTests.Paths("team-b", "wide", "*.example.net", T0, "/")));
        api.Upsert(Tls(WildcardOwnershipTests.Paths("team-b", "dot", "app.a.example.com.", T0.AddHours(3), "/admin")));
        api.Upsert(Tls(WildcardOwnershipTests.Paths("team-b", "bad", "evil_host.a.example.com", T0, "/")));
    }

    private static V1Ingress Tls(V1Ingress i)
    {
        i.Metadata.Annotations["traefik.ingress.kubernetes.io/router.tls"] = "true";
        return i;
    }
}
