using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// artifacts/edge as a bare binary on a VM: started with only <c>--providers.file.filename</c>
/// (no Kubernetes API server, no kubeconfig), serving routes, middlewares and certificates from
/// a Traefik dynamic-configuration file, and following edits of it.
/// </summary>
[NotInParallel("edge-e2e")]
public sealed class FileProviderEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-file-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Routes(int backendPort, string prefix) => $$"""
        http:
          routers:
            app:
              rule: Host(`app.example.com`) && PathPrefix(`{{prefix}}`)
              middlewares: [strip]
              service: app
            secure:
              rule: Host(`app.example.com`) && PathPrefix(`/secure`)
              middlewares: [auth]
              service: app
          services:
            app:
              loadBalancer:
                servers:
                  - url: http://127.0.0.1:{{backendPort}}
          middlewares:
            strip:
              stripPrefix:
                prefixes: [{{prefix}}]
            auth:
              basicAuth:
                users: ["test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"]
        """;

    /// <summary>Replaces the file the way editors do: a new file renamed over the old one.</summary>
    private void Replace(string path, string text)
    {
        var temp = Path.Combine(_dir, ".edit.tmp");
        System.IO.File.WriteAllText(temp, text);
        System.IO.File.Move(temp, path, overwrite: true);
    }

    private static async Task<HttpResponseMessage> GetAsync(EdgeProcess edge, string path, string? basicAuth = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, edge.WebUrl + path) { Headers = { Host = "app.example.com" } };
        if (basicAuth is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basicAuth)));
        return await edge.Http.SendAsync(req);
    }

    private static Task WaitForStatusAsync(EdgeProcess edge, string path, int status) => edge.WaitForStatusAsync("app.example.com", path, status);

    [Test]
    public async Task A_file_alone_serves_routes_with_its_middlewares_named_at_file()
    {
        await using var backend = await EchoBackend.StartAsync("a");
        var file = Path.Combine(_dir, "dynamic.yml");
        System.IO.File.WriteAllText(file, Routes(backend.Port, "/api"));
        await using var edge = await EdgeProcess.StartAsync([$"--providers.file.filename={file}", "--providers.providersThrottleDuration=0s"]);

        using (var ok = await GetAsync(edge, "/api/hello?x=1"))
        {
            await Assert.That((int)ok.StatusCode).IsEqualTo(200);
            var seen = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
            await Assert.That((string?)seen["target"]).IsEqualTo("/hello?x=1").Because("stripPrefix from the file");
            await Assert.That((string?)seen["headers"]!["X-Forwarded-Prefix"]).IsEqualTo("/api");
        }
        using (var anonymous = await GetAsync(edge, "/secure")) await Assert.That((int)anonymous.StatusCode).IsEqualTo(401);
        using (var authorized = await GetAsync(edge, "/secure", "test:test")) await Assert.That((int)authorized.StatusCode).IsEqualTo(200);

        var raw = JsonNode.Parse(await edge.GetStringAsync("/api/rawdata"))!;
        await Assert.That((string?)raw["routers"]!["app@file"]!["status"]).IsEqualTo("enabled");
        await Assert.That((string?)raw["routers"]!["app@file"]!["service"]).IsEqualTo("app@file");
        await Assert.That((string?)raw["services"]!["app@file"]!["status"]).IsEqualTo("enabled");
        await Assert.That((string?)raw["middlewares"]!["strip@file"]!["status"]).IsEqualTo("enabled");
        await Assert.That(edge.Output).DoesNotContain("kubeconfig").Because("no Kubernetes provider runs");
    }

    [Test]
    public async Task An_edit_changes_the_route_and_a_broken_edit_keeps_it_logging_the_file()
    {
        await using var backend = await EchoBackend.StartAsync("a");
        var file = Path.Combine(_dir, "dynamic.yml");
        System.IO.File.WriteAllText(file, Routes(backend.Port, "/api"));
        await using var edge = await EdgeProcess.StartAsync([$"--providers.file.filename={file}", "--providers.providersThrottleDuration=0s"]);
        using (var first = await GetAsync(edge, "/api/x")) await Assert.That((int)first.StatusCode).IsEqualTo(200);

        Replace(file, Routes(backend.Port, "/v2"));
        await WaitForStatusAsync(edge, "/v2/x", 200);
        using (var old = await GetAsync(edge, "/api/x")) await Assert.That((int)old.StatusCode).IsEqualTo(404);

        Replace(file, "http:\n  routers: [broken\n");
        await Eventually.UntilAsync(() => Task.FromResult(edge.Output.Contains("Error while building configuration") && edge.Output.Contains(file)),
            TimeSpan.FromSeconds(10), () => "no error naming the file:\n" + edge.Output);
        using var kept = await GetAsync(edge, "/v2/x");
        await Assert.That((int)kept.StatusCode).IsEqualTo(200).Because("a file that does not parse keeps the previous configuration");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string from, string to);

    /// <summary>
    /// A Kubernetes ConfigMap mount: the file is a symlink through <c>..data</c>, and an update
    /// swaps <c>..data</c> to a new directory (nothing is written to the file's own name).
    /// </summary>
    [Test]
    public async Task A_configmap_style_symlink_swap_is_followed()
    {
        await using var backend = await EchoBackend.StartAsync("a");
        void Version(string name, string prefix)
        {
            Directory.CreateDirectory(Path.Combine(_dir, name));
            System.IO.File.WriteAllText(Path.Combine(_dir, name, "dynamic.yml"), Routes(backend.Port, prefix));
        }
        Version("..v1", "/api");
        System.IO.File.CreateSymbolicLink(Path.Combine(_dir, "..data"), "..v1");
        var file = Path.Combine(_dir, "dynamic.yml");
        System.IO.File.CreateSymbolicLink(file, "..data/dynamic.yml");
        await using var edge = await EdgeProcess.StartAsync([$"--providers.file.filename={file}", "--providers.providersThrottleDuration=0s"]);
        using (var first = await GetAsync(edge, "/api/x")) await Assert.That((int)first.StatusCode).IsEqualTo(200);

        // The kubelet's atomic writer: new directory, new link, renamed over ..data.
        Version("..v2", "/v2");
        System.IO.File.CreateSymbolicLink(Path.Combine(_dir, "..data_tmp"), "..v2");
        // rename(2) itself: .NET's File.Move refuses a link to a directory.
        await Assert.That(Rename(Path.Combine(_dir, "..data_tmp"), Path.Combine(_dir, "..data"))).IsEqualTo(0);
        await WaitForStatusAsync(edge, "/v2/x", 200);
    }

    /// <summary>Both providers at once: an Ingress uses a middleware of the file (<c>strip@file</c>), and a file router the Ingress provider's service is not confused with its own.</summary>
    [Test]
    public async Task An_ingress_uses_a_middleware_from_the_file()
    {
        var file = Path.Combine(_dir, "dynamic.yml");
        System.IO.File.WriteAllText(file, "http:\n  middlewares:\n    strip:\n      stripPrefix:\n        prefixes: [/shop]\n");
        await using var f = await DataPlaneFixture.StartAsync((api, _) => api.Upsert(K8s.Ingress("default", "shop", "app.example.com", "/shop", "whoami", 80,
            annotations: new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.middlewares"] = "strip@file" })),
            $"--providers.file.filename={file}");
        await f.WaitForRouteAsync("app.example.com", "/shop/cart");
        using var r = await f.SendAsync("app.example.com", "/shop/cart");
        await Assert.That((int)r.StatusCode).IsEqualTo(200);
        var seen = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        await Assert.That((string?)seen["target"]).IsEqualTo("/cart");
        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        await Assert.That(raw["middlewares"]!["strip@file"]!["usedBy"]!.AsArray().Count).IsEqualTo(1);
    }

    [Test]
    public async Task A_certificate_from_tls_certificates_is_presented_for_its_sni()
    {
        await using var backend = await EchoBackend.StartAsync("a");
        var (cert, key) = TlsEndToEndTests.SelfSigned("secure.example.com", "secure.example.com");
        var certFile = Path.Combine(_dir, "secure.crt");
        var keyFile = Path.Combine(_dir, "secure.key");
        System.IO.File.WriteAllText(certFile, cert);
        System.IO.File.WriteAllText(keyFile, key);
        var file = Path.Combine(_dir, "dynamic.toml");
        System.IO.File.WriteAllText(file, $"""
            [http.routers.secure]
              rule = "Host(`secure.example.com`)"
              entryPoints = ["websecure"]
              service = "app"
              [http.routers.secure.tls]
            [[http.services.app.loadBalancer.servers]]
              url = "http://127.0.0.1:{backend.Port}"
            [[tls.certificates]]
              certFile = "{certFile}"
              keyFile = "{keyFile}"
            """);
        int https = FreePort.Get();
        await using var edge = await EdgeProcess.StartAsync([$"--providers.file.filename={file}", $"--entrypoints.websecure.address=127.0.0.1:{https}"]);

        var (response, subject) = await TlsEndToEndTests.GetAsync(https, "secure.example.com");
        await Assert.That((int)response.StatusCode).IsEqualTo(200);
        await Assert.That(subject).IsEqualTo("CN=secure.example.com");
        response.Dispose();
    }
}
