using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// IngressRouteUDP translation against cases of Traefik's TestLoadIngressRouteUDPs
/// (pkg/provider/kubernetes/crd/kubernetes_test.go): its fixtures (copied in Corpus/fixtures/udp)
/// and its expected <c>udp</c> configuration, written here as Traefik's JSON.
/// </summary>
public class IngressRouteUdpTranslatorTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Providers", "Kubernetes", "Crd", "Corpus", "fixtures", "udp");
    private const string Lb0 = """{"loadBalancer":{"servers":[{"address":"10.10.0.1:8000"},{"address":"10.10.0.2:8000"}]}}""";
    private const string Lb1 = """{"loadBalancer":{"servers":[{"address":"10.10.0.3:8080"},{"address":"10.10.0.4:8080"}]}}""";

    private static (DynamicConfig Config, List<TranslationIssue> Issues) Translate(string yaml, bool allowCross = false)
    {
        var objects = new List<object>();
        foreach (var (text, source) in new[] { (File.ReadAllText(Path.Combine(Dir, "services.yml")), "services.yml"), (yaml, "case") })
            foreach (var doc in ManifestParser.Parse(text, source))
            {
                if (doc.Error is not null) throw new InvalidOperationException(doc.Error);
                if (doc.Object is not null) objects.Add(doc.Object);
            }
        var issues = new List<TranslationIssue>();
        return (CrdBinding.Build(ClusterSnapshot.FromObjects(objects), new CrdProviderOptions { AllowCrossNamespace = allowCross }, issues), issues);
    }

    private static string Json(UdpConfig? udp) => udp is null ? "null" : JsonSerializer.Serialize(udp, ModelJsonContext.Default.UdpConfig);

    public static IEnumerable<Func<(string Fixture, string Expected)>> Cases() =>
    [
        () => ("simple.yml", """{"routers":{"default-test.route-0":{"entryPoints":["foo"],"service":"default-test.route-0"}},"services":{"default-test.route-0":@LB0}}"""),
        () => ("with_two_routes.yml", """
            {"routers":{"default-test.route-0":{"entryPoints":["foo"],"service":"default-test.route-0"},"default-test.route-1":{"entryPoints":["foo"],"service":"default-test.route-1"}},
             "services":{"default-test.route-0":@LB0,"default-test.route-1":@LB1}}
            """),
        () => ("with_two_services.yml", """
            {"routers":{"default-test.route-0":{"entryPoints":["foo"],"service":"default-test.route-0"}},
             "services":{"default-test.route-0":{"weighted":{"services":[{"name":"default-test.route-0-whoamiudp-8000","weight":2},{"name":"default-test.route-0-whoamiudp2-8080","weight":3}]}},
               "default-test.route-0-whoamiudp-8000":@LB0,"default-test.route-0-whoamiudp2-8080":@LB1}}
            """),
    ];

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Traefik_expected_udp_configuration(string fixture, string expected)
    {
        var (config, issues) = Translate(File.ReadAllText(Path.Combine(Dir, fixture)));
        var want = JsonNode.Parse(expected.Replace("@LB0", Lb0).Replace("@LB1", Lb1));
        await Assert.That(JsonNode.DeepEquals(JsonNode.Parse(Json(config.Udp)), want)).IsTrue()
            .Because($"got {Json(config.Udp)}; issues: {string.Join("; ", issues)}");
        await Assert.That(issues.Any(i => i.ToString().Contains("not served by Edge"))).IsFalse();
    }

    private const string CrossNamespace = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteUDP
        metadata: {name: dns, namespace: default}
        spec:
          entryPoints: [udp]
          routes:
            - services: [{name: whoamiudp, namespace: foo, port: 8000}]
        """;

    [Test]
    public async Task A_cross_namespace_service_is_refused_with_Traefiks_text_and_the_router_is_in_error()
    {
        var (config, issues) = Translate(CrossNamespace);
        await Assert.That(config.Udp!.Services.Count).IsEqualTo(0);
        await Assert.That(issues.Single().ToString()).Contains("IngressRouteUDP default/dns");
        await Assert.That(issues.Single().ToString()).Contains("udp service foo/whoamiudp is not in the parent resource namespace default");
        var qualified = new UdpConfig();
        foreach (var (k, v) in config.Udp.Routers) qualified.Routers[k + "@kubernetescrd"] = v;
        await Assert.That(Edge.DataPlane.Udp.UdpBackend.RouterErrors(qualified)["default-dns-0@kubernetescrd"])
            .IsEqualTo("the UDP service \"default-dns-0@kubernetescrd\" does not exist");
    }

    [Test]
    public async Task An_unknown_field_refuses_the_object_by_name()
    {
        var (config, issues) = Translate(CrossNamespace.Replace("routes:", "tls: {}\n  routes:"));
        await Assert.That(config.Udp).IsNull();
        await Assert.That(issues.Single().ToString()).Contains("spec.tls");
    }
}
