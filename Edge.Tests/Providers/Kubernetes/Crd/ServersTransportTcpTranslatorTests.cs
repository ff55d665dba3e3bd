using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// ServersTransportTCP against Traefik's TestLoadIngressRouteTCPs cases "TCP with ServersTransport"
/// and "TCP ServersTransport cross namespace allowed/disallowed" (their fixtures in
/// Corpus/fixtures/tcp, their expected <c>tcp</c> configuration written as Traefik's JSON; durations
/// as Go text, as Traefik's API shows them).
/// </summary>
public class ServersTransportTcpTranslatorTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Providers", "Kubernetes", "Crd", "Corpus", "fixtures", "tcp");
    private const string Id = "default-test.route-fdd3e9338e47a45efefc";

    internal static (DynamicConfig Config, List<TranslationIssue> Issues) Translate(string fixture, bool allowCross)
    {
        var objects = new List<object>();
        foreach (var name in new[] { "services.yml", fixture })
        {
            var file = Path.Combine(Dir, name);
            foreach (var doc in ManifestParser.Parse(File.ReadAllText(file), file))
            {
                if (doc.Error is not null) throw new InvalidOperationException(doc.Error);
                if (doc.Object is not null) objects.Add(doc.Object);   // ConfigMaps: not a kind Edge reads
            }
        }
        var issues = new List<TranslationIssue>();
        var options = new CrdProviderOptions { AllowCrossNamespace = allowCross };
        return (CrdBinding.Build(ClusterSnapshot.FromObjects(objects), options, issues), issues);
    }

    private static string Json(TcpConfig? tcp) => tcp is null ? "null" : JsonSerializer.Serialize(tcp, ModelJsonContext.Default.TcpConfig);

    private const string TwoServices = """
        "routers":{"@ID":{"entryPoints":["foo"],"service":"@ID","rule":"HostSNI(`foo.com`)"}},
        "middlewares":{},
        "services":{
          "@ID-whoamitcp-8000":{"loadBalancer":{"servers":[{"address":"10.10.0.1:8000"},{"address":"10.10.0.2:8000"}],"serversTransport":"default-test"}},
          "@ID-whoamitcp2-8080":{"loadBalancer":{"servers":[{"address":"10.10.0.3:8080"},{"address":"10.10.0.4:8080"}],"serversTransport":"default-default-test"}},
          "@ID":{"weighted":{"services":[{"name":"@ID-whoamitcp-8000","weight":1},{"name":"@ID-whoamitcp2-8080","weight":1}]}}}
        """;
    private const string DefaultTest = """
        "default-test":{"tls":{"serverName":"test"},"dialTimeout":"30s","dialKeepAlive":"15s","terminationDelay":"100ms"}
        """;

    public static IEnumerable<Func<(string Fixture, bool AllowCross, string Expected)>> Cases() =>
    [
        // Traefik's fixture with everything Edge serves: the whole expected configuration.
        () => ("with_servers_transport_served.yml", true, "{" + TwoServices + """
            ,"serversTransports":{
              "foo-test":{"tls":{"serverName":"test","insecureSkipVerify":true,
                "rootCAs":["TESTROOTCAS0","TESTROOTCAS1","TESTROOTCAS2","TESTROOTCAS3","TESTROOTCAS5","TESTALLCERTS","TESTROOTCAS6"],
                "certificates":[{"certFile":"TESTCERT1","keyFile":"TESTKEY1"},{"certFile":"TESTCERT2","keyFile":"TESTKEY2"},{"certFile":"TESTCERT3","keyFile":"TESTKEY3"}],
                "peerCertURI":"foo://bar"},"dialTimeout":"42s","dialKeepAlive":"42s","terminationDelay":"42s"},
            """ + DefaultTest + "}}"),
        // Traefik's own fixture: foo/test names a ConfigMap and spiffe, which Edge refuses, so only default/test is produced.
        () => ("with_servers_transport.yml", true, "{" + TwoServices + ",\"serversTransports\":{" + DefaultTest + "}}"),
        () => ("with_servers_transport_cross_namespace.yml", true, """
            {"routers":{"@ID":{"entryPoints":["foo"],"service":"@ID","rule":"HostSNI(`foo.com`)","priority":12}},"middlewares":{},
             "services":{"@ID":{"loadBalancer":{"servers":[{"address":"10.10.0.1:8000"},{"address":"10.10.0.2:8000"}],"serversTransport":"cross-ns-st-cross-ns@kubernetescrd"}}},
             "serversTransports":{"cross-ns-st-cross-ns":{"dialTimeout":"30s","dialKeepAlive":"0s","terminationDelay":"100ms"}}}
            """),
        // Disallowed: the service is left out (its router is then in error), the transport is still produced.
        () => ("with_servers_transport_cross_namespace.yml", false, """
            {"routers":{"@ID":{"entryPoints":["foo"],"service":"@ID","rule":"HostSNI(`foo.com`)","priority":12}},"middlewares":{},"services":{},
             "serversTransports":{"cross-ns-st-cross-ns":{"dialTimeout":"30s","dialKeepAlive":"0s","terminationDelay":"100ms"}}}
            """),
    ];

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Traefik_expected_tcp_configuration(string fixture, bool allowCross, string expected)
    {
        var (config, issues) = Translate(fixture, allowCross);
        var want = JsonNode.Parse(expected.Replace("@ID", Id));
        await Assert.That(JsonNode.DeepEquals(JsonNode.Parse(Json(config.Tcp)), want)).IsTrue()
            .Because($"got {Json(config.Tcp)}; issues: {string.Join("; ", issues)}");
    }

    [Test]
    public async Task What_Edge_refuses_in_a_ServersTransportTCP_is_named_and_the_transport_not_produced()
    {
        var (_, issues) = Translate("with_servers_transport.yml", true);
        var issue = issues.Single(i => i.ToString().Contains("ServersTransportTCP foo/test")).ToString();
        await Assert.That(issue).Contains("rootCAs.configMap is not supported by Edge").Because(issue);
        await Assert.That(issue).Contains("TCP services using it are not served");
    }

    [Test]
    public async Task A_service_naming_a_transport_that_is_not_there_is_in_error_with_Traefiks_text()
    {
        var (config, _) = Translate("with_servers_transport.yml", true);
        var tcp = new TcpConfig();
        foreach (var (k, v) in config.Tcp!.Routers) tcp.Routers[k + "@kubernetescrd"] = v;
        tcp.Routers[Id + "@kubernetescrd"].Tls = new RouterTcpTls { Passthrough = true };   // HostSNI needs TLS on the router
        foreach (var (k, v) in config.Tcp.Services) tcp.Services[k + "@kubernetescrd"] = v;
        tcp.ServersTransports = new(StringComparer.Ordinal);
        foreach (var (k, v) in config.Tcp.ServersTransports!) tcp.ServersTransports[k + "@kubernetescrd"] = v;
        var errors = Edge.DataPlane.Tcp.TcpRouterCheck.Errors(new DynamicConfig { Tcp = tcp });
        await Assert.That(errors[Id + "@kubernetescrd"]).IsEqualTo("no transport configuration found for \"default-default-test@kubernetescrd\"")
            .Because("the second service names default-test in its namespace, and only default/test and foo/test exist");

        tcp.ServersTransports["default-default-test@kubernetescrd"] = new TcpServersTransport { DialTimeout = "1s" };
        await Assert.That(Edge.DataPlane.Tcp.TcpRouterCheck.Errors(new DynamicConfig { Tcp = tcp }).ContainsKey(Id + "@kubernetescrd")).IsFalse()
            .Because("both transports now exist");
        tcp.ServersTransports["default-default-test@kubernetescrd"] = new TcpServersTransport { ProxyProtocol = new TcpProxyProtocol { Version = 3 } };
        await Assert.That(Edge.DataPlane.Tcp.TcpRouterCheck.Errors(new DynamicConfig { Tcp = tcp })[Id + "@kubernetescrd"])
            .IsEqualTo("servers transport \"default-default-test@kubernetescrd\": unknown proxyProtocol version: 3");
    }
}
