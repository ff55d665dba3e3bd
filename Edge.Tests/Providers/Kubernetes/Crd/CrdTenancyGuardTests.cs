using Edge.Configuration;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// Tenancy mode and the CRD provider: a tenant's object never acts for another tenant. IngressRoutes
/// (no host ownership yet) are not served; a TLSStore and the TLSOption named default, which apply
/// to every tenant, count only from the administrator's namespaces; everything left out is named.
/// </summary>
public class CrdTenancyGuardTests
{
    private const string Objects = """
        apiVersion: v1
        kind: Service
        metadata: {name: whoami, namespace: team-a}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: whoami-abc, namespace: team-a, labels: {kubernetes.io/service-name: whoami}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints: [{addresses: [10.10.0.1]}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: steal, namespace: team-a}
        spec:
          routes:
            - match: Host(`team-b.example.com`)
              kind: Rule
              services: [{name: whoami, port: 80}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteTCP
        metadata: {name: catch-all, namespace: team-a}
        spec:
          routes:
            - match: HostSNI(`*`)
              services: [{name: whoami, port: 80}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteUDP
        metadata: {name: dns, namespace: team-a}
        spec:
          routes:
            - services: [{name: whoami, port: 80}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TLSOption
        metadata: {name: default, namespace: team-a}
        spec: {minVersion: VersionTLS13, clientAuth: {clientAuthType: RequireAnyClientCert}}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TLSOption
        metadata: {name: strict, namespace: team-a}
        spec: {minVersion: VersionTLS13}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TLSStore
        metadata: {name: default, namespace: team-a}
        spec: {}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TLSOption
        metadata: {name: default, namespace: edge-admin}
        spec: {minVersion: VersionTLS12}
        """;

    private static TranslationOutput Translate(TenancyOptions? tenancy)
    {
        var docs = ManifestParser.Parse(Objects, "test").ToList();
        foreach (var d in docs) if (d.Error is not null) throw new InvalidOperationException(d.Error);
        return CrdBinding.Translate(ClusterSnapshot.FromObjects(docs.Select(d => d.Object!)), new CrdProviderOptions { Tenancy = tenancy });
    }

    [Test]
    public async Task Outside_tenancy_mode_every_object_is_translated()
    {
        var output = Translate(null);
        await Assert.That(output.Config.Http.Routers.Keys.Any(k => k.StartsWith("team-a-steal-", StringComparison.Ordinal))).IsTrue();
        await Assert.That(output.Config.Tls!.Stores!.ContainsKey("default")).IsTrue();
        await Assert.That(output.Config.Tcp?.Routers.Keys.Any(k => k.StartsWith("team-a-catch-all-", StringComparison.Ordinal)) ?? false).IsTrue();
        await Assert.That(output.Config.Udp?.Routers.ContainsKey("team-a-dns-0") ?? false).IsTrue();
    }

    [Test]
    public async Task In_tenancy_mode_a_tenant_cannot_route_or_set_defaults_for_everyone()
    {
        var output = Translate(new TenancyOptions { DefaultBackendNamespaces = ["edge-admin"] });
        await Assert.That(output.Config.Http.Routers).IsEmpty().Because("an IngressRoute could claim another tenant's host");
        await Assert.That(output.Issues).Contains(i => i.StartsWith("IngressRoute team-a/steal: ", StringComparison.Ordinal) && i.Contains("tenancy mode"));
        // A HostSNI(`*`) TCP route would take every connection of the entry point from every tenant.
        await Assert.That(output.Config.Tcp?.Routers.Count ?? 0).IsEqualTo(0);
        await Assert.That(output.Issues).Contains(i => i.StartsWith("IngressRouteTCP team-a/catch-all: ", StringComparison.Ordinal) && i.Contains("tenancy mode"));
        // A UDP router has no rule: it would take the whole UDP entry point from every tenant.
        await Assert.That(output.Config.Udp).IsNull();
        await Assert.That(output.Issues).Contains(i => i.StartsWith("IngressRouteUDP team-a/dns: ", StringComparison.Ordinal) && i.Contains("tenancy mode"));
        await Assert.That(output.Issues).Contains(i => i.StartsWith("TLSStore team-a/default: ", StringComparison.Ordinal));
        await Assert.That(output.Issues).Contains(i => i.StartsWith("TLSOption team-a/default: ", StringComparison.Ordinal));
        var options = output.Config.Tls!.Options!;
        await Assert.That(options["default"].MinVersion).IsEqualTo("VersionTLS12").Because("the administrator's default, not the tenant's");
        await Assert.That(options.ContainsKey("team-a-strict")).IsTrue().Because("a tenant's own named options stay usable by its routers");
        await Assert.That(output.Config.Tls.Stores?.ContainsKey("default") ?? false).IsFalse();
    }
}
