using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// <c>edge render</c> through the published binary: the manifests of Traefik's integration check give
/// Traefik's routers, the table is readable, broken manifests are named and fail the run (exit 1),
/// bad command lines exit 2.
/// </summary>
public class RenderCliTests
{
    private static string Integration => Path.Combine(RepoPaths.Conformance, "integration");

    // No EndpointSlices in manifests (a controller would create them), hence allowEmptyServices.
    private static readonly string[] IntegrationArgs =
        ["render", "-f", Path.Combine(Integration, "manifests"), "--entrypoints.web.address=:8000", "--providers.kubernetesingress.allowemptyservices"];

    [Test]
    public async Task Json_output_of_the_integration_manifests_has_traefiks_routers()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. IntegrationArgs, "-o", "json"]);
        await Assert.That(code).IsEqualTo(0).Because(stderr);

        var actual = JsonNode.Parse(stdout)!["routers"]!.AsObject();
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Integration, "expected", "rawdata-ingress.json")))!["routers"]!.AsObject();
        var expectedKube = expected.Where(kv => kv.Key.EndsWith("@kubernetes")).ToDictionary(kv => kv.Key, kv => kv.Value!);
        // Offline there is no API or ping: only what the manifests produce.
        await Assert.That(actual.Select(kv => kv.Key).Order()).IsEquivalentTo(expectedKube.Keys.Order());
        foreach (var (name, e) in expectedKube)
            foreach (var field in new[] { "rule", "service", "priority", "status", "entryPoints", "using", "observability" })
                await Assert.That(JsonCanon.Of(actual[name]![field])).IsEqualTo(JsonCanon.Of(e[field])).Because($"{name}.{field}");
    }

    [Test]
    public async Task Table_lists_routers_services_and_certificates_in_aligned_columns()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(IntegrationArgs);
        await Assert.That(code).IsEqualTo(0).Because(stderr);
        var lines = stdout.Split('\n');

        var header = lines.Single(l => l.Contains("NAME") && l.Contains("RULE"));
        var row = lines.Single(l => l.Contains("default-test-ingress-whoami-test-whoami@kubernetes"));
        await Assert.That(row).Contains("Host(\"whoami.test\") && PathPrefix(\"/whoami\")");
        await Assert.That(row).Contains("default-whoami-http");
        // Aligned: every column of a row starts where its header does.
        foreach (var column in new[] { "RULE", "PRIORITY", "SERVICE" })
        {
            var at = header.IndexOf(column, StringComparison.Ordinal);
            await Assert.That(row.Substring(at - 2, 2)).IsEqualTo("  ").Because(column);
            await Assert.That(row[at]).IsNotEqualTo(' ').Because(column);
        }
        await Assert.That(lines.Count(l => l.Contains("@kubernetes") && l.Contains("Host("))).IsEqualTo(4);
        await Assert.That(stdout).Contains("default-whoami-80@kubernetes");
        var cert = lines.Single(l => l.Contains("default/tls-cert"));
        await Assert.That(cert).Contains("snitest.com");
        await Assert.That(cert).Contains("2025-11-20T22:05:56Z");
        // Present in the manifests but not for this controller: shown, without failing the run.
        await Assert.That(stdout).Contains("Ingress default/whoami-drop-ingress");
        await Assert.That(stdout).Contains("SKIPPED (0)");
    }

    private const string BadManifest = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
        spec:
          rules:
          - host: shop.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: missing, port: {number: 80}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: broken
          namespace: team-b
        spec:
          rules: [ {host: x
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: team-c}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: ok, namespace: team-c}
        spec:
          rules:
          - host: ok.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
        """;

    private const string IngressRoutes = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-abc, namespace: default, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints: [{addresses: [10.42.0.7]}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: shop, namespace: default}
        spec:
          routes: [{match: Host(`shop.example.com`), services: [{name: web, port: 80}]}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: bad, namespace: default}
        spec:
          routes: [{match: Host(`bad.example.com`), services: [{name: nowhere, port: 80}]}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteUDP
        metadata: {name: db, namespace: default}
        spec: {routes: [{services: [{name: db, port: 5432}]}]}
        """;

    [Test]
    public async Task IngressRoutes_are_rendered_like_the_CRD_provider_and_what_is_not_served_is_named()
    {
        var dir = Directory.CreateTempSubdirectory("edge-render-");
        try
        {
            var file = Path.Combine(dir.FullName, "routes.yaml");
            await File.WriteAllTextAsync(file, IngressRoutes);
            var (code, stdout, _) = await CliRunner.RunAsync(["render", "-f", file, "--providers.kubernetescrd"]);
            await Assert.That(code).IsEqualTo(1);
            await Assert.That(stdout).Contains("default-shop-");
            await Assert.That(stdout).Contains("http://10.42.0.7:8080");
            await Assert.That(stdout).Contains("IngressRoute default/bad: route Host(`bad.example.com`): kubernetes service not found: default/nowhere");
            await Assert.That(stdout).Contains("IngressRouteUDP default/db: Cannot create service db (port 5432): service not found");
        }
        finally { dir.Delete(recursive: true); }
    }

    [Test]
    public async Task Unknown_service_and_malformed_yaml_are_named_and_exit_1()
    {
        var dir = Directory.CreateTempSubdirectory("edge-render-");
        try
        {
            var file = Path.Combine(dir.FullName, "apps.yaml");
            await File.WriteAllTextAsync(file, BadManifest);
            var (code, stdout, _) = await CliRunner.RunAsync(["render", "-f", dir.FullName, "--providers.kubernetesingress.allowemptyservices"]);
            await Assert.That(code).IsEqualTo(1);
            await Assert.That(stdout).Contains($"{file}, document 1: Ingress default/shop: Cannot create service default/missing port 80: service not found");
            await Assert.That(stdout).Contains($"{file}, document 2: Ingress team-b/broken: invalid YAML");
            await Assert.That(stdout).Contains("line 19");   // the line in the file (where the flow mapping ends unclosed), not in the document
            // The rest is still translated.
            await Assert.That(stdout).Contains("team-c-ok-ok-example-com@kubernetes");

            // With -o json, stdout stays pure JSON and the problems go to stderr.
            var (jsonCode, json, err) = await CliRunner.RunAsync(["render", "-f", file, "-o", "json", "--providers.kubernetesingress.allowemptyservices"]);
            await Assert.That(jsonCode).IsEqualTo(1);
            await Assert.That(JsonNode.Parse(json)!["routers"]!.AsObject().Select(kv => kv.Key)).IsEquivalentTo(["team-c-ok-ok-example-com@kubernetes"]);
            await Assert.That(err).Contains("Ingress default/shop");
            await Assert.That(err).Contains("Ingress team-b/broken");
        }
        finally { dir.Delete(recursive: true); }
    }

    [Test]
    public async Task Label_selector_and_stdin_select_ingresses_like_the_provider()
    {
        const string yaml = """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: a, labels: {team: a}}
            spec: {rules: [{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: b, labels: {team: b}}
            spec: {rules: [{host: b.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """;
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            ["render", "-f", "-", "-o", "json", "--providers.kubernetesingress.labelselector=team=a", "--providers.kubernetesingress.allowemptyservices=true"], yaml);
        await Assert.That(code).IsEqualTo(0).Because(stderr);
        var routers = JsonNode.Parse(stdout)!["routers"]!.AsObject();
        await Assert.That(routers.Select(kv => kv.Key)).IsEquivalentTo(["default-a-a-example-com@kubernetes"]);
        await Assert.That(stderr).Contains("<stdin>, document 3: Ingress default/b: labels do not match labelSelector \"team=a\"");
    }

    [Test]
    [Arguments("--providers.kubernetesingress.nosuch=1", "providers.kubernetesingress.nosuch")]
    [Arguments("-o=yaml", "expected table or json")]
    [Arguments("-f=/nonexistent/apps.yaml", "/nonexistent/apps.yaml")]
    public async Task Bad_flag_or_unreadable_file_exits_2(string arg, string named)
    {
        var args = arg.StartsWith("-f=") ? new[] { "render", arg } : ["render", "-f", Path.Combine(Integration, "manifests"), arg];
        var (code, stdout, stderr) = await CliRunner.RunAsync(args);
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stderr).Contains(named);
        await Assert.That(stdout).IsEmpty();
    }

    [Test]
    public async Task Help_documents_the_exit_codes()
    {
        var (code, stdout, _) = await CliRunner.RunAsync(["render", "--help"]);
        await Assert.That(code).IsEqualTo(0);
        await Assert.That(stdout).Contains("1 some object was skipped");
        var (_, mainHelp, _) = await CliRunner.RunAsync(["--help"]);
        await Assert.That(mainHelp).Contains("edge render -f FILE_OR_DIR");
    }

    private const string TenantsManifest = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: team-b, annotations: {"edge.io/allowed-hosts": "*.b.example.com"}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: team-a}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: team-b}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop, namespace: team-a, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec: {rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop, namespace: team-b, creationTimestamp: "2026-02-01T00:00:00Z"}
        spec: {rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
        """;

    [Test]
    public async Task Tenancy_conflicts_are_found_offline_before_they_reach_the_cluster()
    {
        var dir = Directory.CreateTempSubdirectory("edge-render-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "tenants.yaml"), TenantsManifest);
            var (code, stdout, _) = await CliRunner.RunAsync(["render", "-f", dir.FullName, "--providers.kubernetesingress.allowemptyservices", "--tenancy.enabled=true", "-o", "json"]);
            await Assert.That(code).IsEqualTo(1);
            var routers = JsonNode.Parse(stdout[..(stdout.LastIndexOf('}') + 1)])!["routers"]!;
            await Assert.That(routers["team-a-shop-shop-example-com@kubernetes"]!["status"]!.GetValue<string>()).IsEqualTo("enabled");
            await Assert.That(routers["team-b-shop-shop-example-com@kubernetes"]!["status"]!.GetValue<string>()).IsEqualTo("disabled");
            await Assert.That(routers["team-b-shop-shop-example-com@kubernetes"]!["error"]![0]!.GetValue<string>()).Contains("is not allowed for namespace \"team-b\"");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
