using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// IngressRouteTCP and MiddlewareTCP translation against cases of Traefik's TestLoadIngressRouteTCPs
/// (pkg/provider/kubernetes/crd/kubernetes_test.go): its fixtures (copied in Corpus/fixtures/tcp)
/// and its expected <c>tcp</c> configuration, written here as Traefik's JSON.
/// </summary>
public class IngressRouteTcpTranslatorTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Providers", "Kubernetes", "Crd", "Corpus", "fixtures", "tcp");
    private const string Id = "default-test.route-fdd3e9338e47a45efefc";
    private const string Lb = """{"loadBalancer":{"servers":[{"address":"10.10.0.1:8000"},{"address":"10.10.0.2:8000"}]}}""";

    private static (DynamicConfig Config, List<TranslationIssue> Issues) Translate(string fixture, bool allowCross = true)
    {
        var objects = new List<object>();
        foreach (var name in new[] { "services.yml", fixture })
        {
            var file = Path.Combine(Dir, name);
            foreach (var doc in ManifestParser.Parse(File.ReadAllText(file), file))
            {
                if (doc.Error is not null) throw new InvalidOperationException(doc.Error);
                objects.Add(doc.Object!);
            }
        }
        var issues = new List<TranslationIssue>();
        var options = new CrdProviderOptions { AllowCrossNamespace = allowCross, AllowExternalNameServices = true };
        return (CrdBinding.Build(ClusterSnapshot.FromObjects(objects), options, issues), issues);
    }

    private static string Json(TcpConfig? tcp) =>
        tcp is null ? "null" : JsonSerializer.Serialize(tcp, ModelJsonContext.Default.TcpConfig);

    public static IEnumerable<Func<(string Fixture, string Expected)>> Cases() =>
    [
        () => Case("simple.yml", """{"routers":{"@ID":{"entryPoints":["foo"],"service":"@ID","rule":"HostSNI(`foo.com`)"}},"services":{"@ID":@LB},"middlewares":{}}"""),
        () => Case("with_two_services.yml", """
            {"routers":{"@ID":{"entryPoints":["foo"],"service":"@ID","rule":"HostSNI(`foo.com`)"}},"services":{
            "@ID":{"weighted":{"services":[{"name":"@ID-whoamitcp-8000","weight":2},{"name":"@ID-whoamitcp2-8080","weight":3}]}},
            "@ID-whoamitcp-8000":@LB,
            "@ID-whoamitcp2-8080":{"loadBalancer":{"servers":[{"address":"10.10.0.3:8080"},{"address":"10.10.0.4:8080"}]}}},"middlewares":{}}
            """),
        () => Case("with_middleware.yml", """
            {"routers":{"@ID":{"entryPoints":["foo"],"middlewares":["default-ipallowlist","foo-ipallowlist"],"service":"@ID","rule":"HostSNI(`foo.com`)"}},
            "services":{"@ID":@LB},
            "middlewares":{"default-ipallowlist":{"ipAllowList":{"sourceRange":["127.0.0.1/32"]}},"foo-ipallowlist":{"ipAllowList":{"sourceRange":["127.0.0.1/32"]}}}}
            """),
        () => Case("with_tls_passthrough.yml", """{"routers":{"@ID":{"entryPoints":["foo"],"service":"@ID","rule":"HostSNI(`foo.com`)","tls":{"passthrough":true}}},"services":{"@ID":@LB},"middlewares":{}}"""),
        () => Case("with_proxyprotocol.yml", """{"routers":{"@ID":{"entryPoints":["foo"],"service":"@ID","rule":"HostSNI(`foo.com`)"}},"services":{"@ID":{"loadBalancer":{"servers":[{"address":"10.10.0.1:8000"},{"address":"10.10.0.2:8000"}],"proxyProtocol":{"version":2}}}},"middlewares":{}}"""),
        () => Case("with_termination_delay.yml", """{"routers":{"@ID":{"entryPoints":["foo"],"service":"@ID","rule":"HostSNI(`foo.com`)"}},"services":{"@ID":{"loadBalancer":{"servers":[{"address":"10.10.0.1:8000"},{"address":"10.10.0.2:8000"}],"terminationDelay":500}}},"middlewares":{}}"""),
        () => Case("with_no_rule_value.yml", "null"),
    ];

    private static (string, string) Case(string fixture, string expected) => (fixture, expected.Replace("@ID", Id).Replace("@LB", Lb));

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Traefik_expected_tcp_configuration(string fixture, string expected)
    {
        var (config, _) = Translate(fixture);
        await Assert.That(JsonNode.DeepEquals(JsonNode.Parse(Json(config.Tcp)), JsonNode.Parse(expected))).IsTrue()
            .Because($"got {Json(config.Tcp)}");
    }

    [Test]
    public async Task A_tls_secret_of_a_terminating_route_becomes_a_certificate()
    {
        var (config, issues) = Translate("with_tls.yml");
        await Assert.That(config.Tcp!.Routers[Id].Tls).IsNotNull();
        await Assert.That(config.Tcp.Routers[Id].Tls!.Passthrough).IsFalse();
        await Assert.That(config.Tls?.Certificates.Select(c => c.SourceSecret).ToList() ?? []).Contains("default/supersecret")
            .Because(string.Join("; ", issues));
    }

    [Test]
    public async Task A_cross_namespace_middleware_is_refused_without_allowCrossNamespace_and_the_router_kept_disabled()
    {
        var (config, issues) = Translate("with_middleware.yml", allowCross: false);
        var router = config.Tcp!.Routers[Id];
        await Assert.That(router.DisabledReason).IsEqualTo("Failed to create middleware keys: invalid reference to middleware ipallowlist: allowCrossNamespace is disabled, cross-namespace are disallowed");
        await Assert.That(issues.Any(i => i.ToString().Contains("test.route"))).IsTrue();
    }

    [Test]
    public async Task A_missing_kubernetes_service_leaves_the_router_without_its_service()
    {
        var issues = new List<TranslationIssue>();
        var docs = ManifestParser.Parse("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: test.route, namespace: default}
            spec:
              routes:
                - match: HostSNI(`*`)
                  services: [{name: nothere, port: 8000}]
            """, "test").Select(d => d.Object!).ToList();
        var config = CrdBinding.Build(ClusterSnapshot.FromObjects(docs), new CrdProviderOptions(), issues);
        var name = "default-test.route-" + Naming.WithHash("x", "HostSNI(`*`)")[2..];
        await Assert.That(config.Tcp!.Routers.ContainsKey(name)).IsTrue();
        await Assert.That(config.Tcp.Services.Count).IsEqualTo(0);
        await Assert.That(issues.Any(i => i.ToString().Contains("service not found"))).IsTrue();
        var errors = Edge.DataPlane.Tcp.TcpRouterCheck.Errors(new DynamicConfig { Tcp = QualifiedCopy(config.Tcp) });
        await Assert.That(errors[name + "@kubernetescrd"]).IsEqualTo($"the service \"{name}@kubernetescrd\" does not exist");
    }

    private static TcpConfig QualifiedCopy(TcpConfig tcp)
    {
        var copy = new TcpConfig();
        foreach (var (k, v) in tcp.Routers) copy.Routers[k + "@kubernetescrd"] = v;
        foreach (var (k, v) in tcp.Services) copy.Services[k + "@kubernetescrd"] = v;
        return copy;
    }
}
