using System.Text.Json.Nodes;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// One static configuration written three ways a Traefik user writes it — a YAML file, a TOML file
/// and command-line flags — started in turn as artifacts/edge on the same ports against the same
/// API server: what the user then sees on /api/rawdata and /api/entrypoints must be identical.
/// </summary>
[NotInParallel("edge-e2e")]
public class StaticConfigFormsEndToEndTests
{
    private const string Yaml = """
        entryPoints:
          web:
            address: "127.0.0.1:{web}"
            forwardedHeaders:
              trustedIPs: ["127.0.0.1/32", "10.0.0.0/8"]
            transport:
              respondingTimeouts:
                idleTimeout: 90s
          websecure:
            address: "127.0.0.1:{websecure}/tcp"
            asDefault: true
            http:
              tls: {}
          traefik:
            address: "127.0.0.1:{traefik}"
        api:
          insecure: true
        ping: {}
        log:
          level: DEBUG
        providers:
          providersThrottleDuration: 0s
          kubernetesIngress:
            endpoint: "{api}"
            namespaces: [default, team-a]
            ingressClass: traefik
            allowEmptyServices: true
            ingressEndpoint:
              ip: 203.0.113.9
        """;

    private const string Toml = """
        [entryPoints.web]
        address = "127.0.0.1:{web}"
        [entryPoints.web.forwardedHeaders]
        trustedIPs = ["127.0.0.1/32", "10.0.0.0/8"]
        [entryPoints.web.transport.respondingTimeouts]
        idleTimeout = "90s"
        [entryPoints.websecure]
        address = "127.0.0.1:{websecure}/tcp"
        asDefault = true
        [entryPoints.websecure.http.tls]
        [entryPoints.traefik]
        address = "127.0.0.1:{traefik}"
        [api]
        insecure = true
        [ping]
        [log]
        level = "DEBUG"
        [providers]
        providersThrottleDuration = "0s"
        [providers.kubernetesIngress]
        endpoint = "{api}"
        namespaces = ["default", "team-a"]
        ingressClass = "traefik"
        allowEmptyServices = true
        [providers.kubernetesIngress.ingressEndpoint]
        ip = "203.0.113.9"
        """;

    private static readonly string[] Flags =
    [
        "--entryPoints.web.address=127.0.0.1:{web}",
        "--entryPoints.web.forwardedHeaders.trustedIPs=127.0.0.1/32,10.0.0.0/8",
        "--entryPoints.web.transport.respondingTimeouts.idleTimeout=90s",
        "--entryPoints.websecure.address=127.0.0.1:{websecure}/tcp",
        "--entryPoints.websecure.asDefault=true",
        "--entryPoints.websecure.http.tls=true",
        "--entryPoints.traefik.address=127.0.0.1:{traefik}",
        "--api.insecure=true",
        "--ping",
        "--log.level=DEBUG",
        "--providers.providersThrottleDuration=0s",
        "--providers.kubernetesIngress.endpoint={api}",
        "--providers.kubernetesIngress.namespaces=default,team-a",
        "--providers.kubernetesIngress.ingressClass=traefik",
        "--providers.kubernetesIngress.allowEmptyServices=true",
        "--providers.kubernetesIngress.ingressEndpoint.ip=203.0.113.9",
    ];

    private static Dictionary<string, string> Class(string name) => new() { ["kubernetes.io/ingress.class"] = name };

    [Test]
    public async Task Yaml_toml_and_flags_give_the_same_rawdata_and_entrypoints()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("default", "whoami", 8080, "http", "10.0.0.5"));
        api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80, annotations: Class("traefik")));
        api.Upsert(K8s.Service("team-a", "no-endpoints", 80, "http"));
        api.Upsert(K8s.Ingress("team-a", "empty", "a.example.com", "/a", "no-endpoints", 80, annotations: Class("traefik")));
        api.Upsert(K8s.Ingress("default", "other-class", "other.example.com", "/", "whoami", 80, annotations: Class("nginx")));
        var ports = new Dictionary<string, string>
        {
            ["{web}"] = FreePort.Get().ToString(), ["{websecure}"] = FreePort.Get().ToString(), ["{traefik}"] = FreePort.Get().ToString(), ["{api}"] = api.Url,
        };
        string Fill(string s) => ports.Aggregate(s, (acc, p) => acc.Replace(p.Key, p.Value));
        int web = int.Parse(ports["{web}"]), traefik = int.Parse(ports["{traefik}"]);

        var dir = Directory.CreateTempSubdirectory("edge-forms-");
        try
        {
            var yamlFile = Path.Combine(dir.FullName, "traefik.yml");
            var tomlFile = Path.Combine(dir.FullName, "traefik.toml");
            await File.WriteAllTextAsync(yamlFile, Fill(Yaml));
            await File.WriteAllTextAsync(tomlFile, Fill(Toml));

            var fromYaml = await SeenAsync(["--configFile=" + yamlFile], web, traefik);
            var fromToml = await SeenAsync(["--configFile=" + tomlFile], web, traefik);
            var fromFlags = await SeenAsync(Flags.Select(Fill), web, traefik);

            // The configuration is not trivially empty: each form served the routes the options select.
            await Assert.That(fromYaml.RawData).Contains("default-app-app-example-com@kubernetes");
            await Assert.That(fromYaml.RawData).Contains("team-a-empty-a-example-com-a@kubernetes").Because("allowEmptyServices");
            await Assert.That(fromYaml.RawData).DoesNotContain("other-class").Because("ingressClass selects traefik only");
            await Assert.That(fromYaml.EntryPoints).Contains("\"websecure\"");

            await Assert.That(fromToml.EntryPoints).IsEqualTo(fromYaml.EntryPoints);
            await Assert.That(fromFlags.EntryPoints).IsEqualTo(fromYaml.EntryPoints);
            await Assert.That(fromToml.RawData).IsEqualTo(fromYaml.RawData);
            await Assert.That(fromFlags.RawData).IsEqualTo(fromYaml.RawData);
        }
        finally { dir.Delete(recursive: true); }
    }

    private static async Task<(string RawData, string EntryPoints)> SeenAsync(IEnumerable<string> args, int web, int traefik)
    {
        await using var edge = await EdgeProcess.StartExactAsync(args, web, traefik);
        await edge.WaitForRawDataAsync(r => r.Contains("default-app-app-example-com@kubernetes"));
        var raw = JsonNode.Parse(await edge.GetStringAsync("/api/rawdata"));
        var entryPoints = JsonNode.Parse(await edge.GetStringAsync("/api/entrypoints"));
        return (JsonCanon.Of(raw)!, JsonCanon.Of(entryPoints)!);
    }
}
