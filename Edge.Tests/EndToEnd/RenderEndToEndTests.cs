using System.Diagnostics;
using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary><c>edge render</c>: the offline translation a platform team runs in CI on its manifests.</summary>
public class RenderEndToEndTests
{
    private static async Task<(int Code, string Out, string Err)> Render(params string[] args)
    {
        var psi = new ProcessStartInfo(RepoPaths.EdgeBinary) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("render");
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await o, await e);
    }

    private static string Manifests => Path.Combine(RepoPaths.Conformance, "integration", "manifests");

    [Test]
    public async Task Json_output_has_traefiks_routers_for_the_integration_manifests()
    {
        var (code, output, err) = await Render("-f", Manifests, "-o", "json", "--providers.kubernetesingress.allowemptyservices=true");
        await Assert.That(code).IsEqualTo(0).Because(err);
        var actual = JsonNode.Parse(output)!["routers"]!.AsObject();
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Conformance, "integration", "expected", "rawdata-ingress.json")))!["routers"]!.AsObject();
        var expectedKube = expected.Where(kv => kv.Key.EndsWith("@kubernetes")).ToList();
        await Assert.That(actual.Select(kv => kv.Key).Order().ToList()).IsEquivalentTo(expectedKube.Select(kv => kv.Key).Order().ToList());
        foreach (var (name, e) in expectedKube)
        {
            await Assert.That((string)actual[name]!["rule"]!).IsEqualTo((string)e!["rule"]!);
            await Assert.That((string)actual[name]!["service"]!).IsEqualTo((string)e["service"]!);
        }
    }

    [Test]
    public async Task Table_output_lists_routers_services_and_certificates()
    {
        var (code, output, _) = await Render("-f", Manifests, "--providers.kubernetesingress.allowemptyservices=true");
        await Assert.That(code).IsEqualTo(0);
        await Assert.That(output).Contains("ROUTERS (4)");
        await Assert.That(output).Contains("default-test-ingress-whoami-test-whoami@kubernetes");
        await Assert.That(output).Contains("Host(\"whoami.test\") && PathPrefix(\"/whoami\")");
        await Assert.That(output).Contains("SERVICES (2)");
        await Assert.That(output).Contains("default/tls-cert");
    }

    [Test]
    public async Task Skipped_objects_are_named_and_exit_code_is_1()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "bad.yaml"), """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: orphan, namespace: team, annotations: { kubernetes.io/ingress.class: traefik } }
            spec:
              rules:
                - host: orphan.example.com
                  http: { paths: [ { path: /, pathType: Prefix, backend: { service: { name: nowhere, port: { number: 80 } } } } ] }
            ---
            kind: Ingress
            metadata: { name: [broken
            """);
        var (code, output, _) = await Render("-f", dir);
        await Assert.That(code).IsEqualTo(1);
        await Assert.That(output).Contains("SKIPPED");
        await Assert.That(output).Contains("Ingress team/orphan");
        await Assert.That(output).Contains("bad.yaml document 2");
    }

    [Test]
    public async Task Bad_flag_or_missing_file_exits_2()
    {
        var (code1, _, err1) = await Render("-f", Manifests, "--providers.kubernetesingress.nosuch=1");
        await Assert.That(code1).IsEqualTo(2);
        await Assert.That(err1).Contains("nosuch");
        var (code2, _, err2) = await Render("-f", "/nonexistent/manifests.yaml");
        await Assert.That(code2).IsEqualTo(2);
        await Assert.That(err2).Contains("/nonexistent/manifests.yaml");
    }
}
