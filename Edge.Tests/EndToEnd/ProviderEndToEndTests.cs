using System.Text.Json.Nodes;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// artifacts/edge against the fake API server: changes show in /api/rawdata, watches recover,
/// namespaces restrict every request, status is written, bad objects are skipped by name.
/// </summary>
[NotInParallel("edge-e2e")]
public class ProviderEndToEndTests
{
    private static readonly string[] FastReload = ["--providers.providersThrottleDuration=0s", "--log.level=DEBUG"];

    internal static async Task<(FakeApiServer Api, EdgeProcess Edge)> Start(params string[] extra)
    {
        var api = await FakeApiServer.StartAsync();
        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("default", "whoami", 8080, "http", "10.42.0.3", "10.42.0.5"));
        var edge = await EdgeProcess.StartWithApiAsync(api, ["--log.level=DEBUG", .. extra]);
        return (api, edge);
    }

    internal static JsonObject Routers(string raw) => JsonNode.Parse(raw)!["routers"]!.AsObject();
    internal static JsonObject Services(string raw) => JsonNode.Parse(raw)!["services"]!.AsObject();

    [Test]
    public async Task Dropped_watches_and_410_gone_are_recovered_from()
    {
        var (api, edge) = await Start();
        await using var _ = api; await using var __ = edge;
        api.Upsert(K8s.Ingress("default", "one", "one.example.com", "/", "whoami", 80));
        await edge.WaitForRawDataAsync(r => r.Contains("default-one-one-example-com@kubernetes"));

        api.DropAllWatches();
        api.Upsert(K8s.Ingress("default", "two", "two.example.com", "/", "whoami", 80));
        await edge.WaitForRawDataAsync(r => r.Contains("default-two-two-example-com@kubernetes"), TimeSpan.FromSeconds(5));

        // Down (watches cut), changed meanwhile, history gone: the informers' resourceVersion is now
        // too old, the watch answers 410, and only a relist can notice the deletion.
        api.SetDown(true);
        api.Delete<V1Ingress>("default", "one");
        api.Upsert(K8s.Ingress("default", "three", "three.example.com", "/", "whoami", 80));
        api.ExpireHistory();
        api.SetDown(false);
        await edge.WaitForRawDataAsync(r => r.Contains("default-three-three-example-com@kubernetes") && !r.Contains("default-one-"), TimeSpan.FromSeconds(10));
        await Assert.That(edge.Output).Contains("relisting");
    }

    [Test]
    public async Task With_namespaces_every_request_is_namespaced()
    {
        var (api, edge) = await Start("--providers.kubernetesingress.namespaces=default,team-a",
            "--providers.kubernetesingress.disableclusterscoperesources=true");
        await using var _ = api; await using var __ = edge;
        api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80));
        api.Upsert(K8s.Ingress("other", "foreign", "foreign.example.com", "/", "whoami", 80));
        await edge.WaitForRawDataAsync(r => r.Contains("default-app-app-example-com@kubernetes"));
        var raw = await edge.GetStringAsync("/api/rawdata");
        await Assert.That(raw).DoesNotContain("foreign");
        var paths = api.Requests.Select(r => r.Path).Distinct().ToList();
        await Assert.That(paths.Count).IsGreaterThan(0);
        foreach (var p in paths)
            await Assert.That(p).Contains("/namespaces/");
        await Assert.That(paths.Any(p => p.Contains("/namespaces/team-a/"))).IsTrue();
    }

    [Test]
    public async Task Ingress_status_is_written_once_through_the_status_subresource()
    {
        var (api, edge) = await Start("--providers.kubernetesingress.ingressendpoint.ip=203.0.113.7");
        await using var _ = api; await using var __ = edge;
        api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80));
        var ing = await WaitForStatusAsync(api, "app");
        await Assert.That(ing.Status!.LoadBalancer!.Ingress![0].Ip).IsEqualTo("203.0.113.7");
        // Another change elsewhere must not rewrite an unchanged status.
        api.Upsert(K8s.Ingress("default", "other", "other.example.com", "/", "whoami", 80));
        await WaitForStatusAsync(api, "other");
        // Barrier: edge applies changes one pass at a time, in order, and a pass writes every status
        // it means to write before the next pass starts. "third" is created only after "other"'s status
        // is written, so once "third"'s status is written too, every pass that saw "other" (and the
        // echo of "other"'s own status write) is finished: a rewrite of "app" by any of them is recorded.
        api.Upsert(K8s.Ingress("default", "third", "third.example.com", "/", "whoami", 80));
        await WaitForStatusAsync(api, "third");
        var writes = api.Requests.Where(r => r.Method != "GET" && r.Path.EndsWith("/ingresses/app/status")).ToList();
        await Assert.That(writes.Count).IsEqualTo(1);
    }

    private static Task<V1Ingress> WaitForStatusAsync(FakeApiServer api, string name) =>
        Eventually.FoundAsync(() => api.Get<V1Ingress>("default", name) is { Status.LoadBalancer.Ingress.Count: > 0 } i ? i : null,
            TimeSpan.FromSeconds(5), () => $"no status written on default/{name}");

    [Test]
    public async Task Bad_objects_are_logged_by_name_and_the_rest_keeps_working()
    {
        var (api, edge) = await Start();
        await using var _ = api; await using var __ = edge;
        api.Upsert(K8s.Ingress("default", "broken", "broken.example.com", "/", "missing-svc", 80));
        api.Upsert(K8s.Ingress("default", "badport", "badport.example.com", "/", "whoami", 9999));
        api.Upsert(K8s.Ingress("default", "good", "good.example.com", "/", "whoami", 80));
        await edge.WaitForRawDataAsync(r => r.Contains("default-good-good-example-com@kubernetes"));
        // Logged before that configuration was published; the output reaches the test through a pipe.
        await Eventually.UntilAsync(() => edge.Output.Contains("default/broken") && edge.Output.Contains("default/badport"),
            TimeSpan.FromSeconds(5), () => "default/broken and default/badport not both logged:\n" + edge.Output);
        await Assert.That(edge.Output).Contains("default/broken");
        await Assert.That(edge.Output).Contains("default/badport");
        var raw = await edge.GetStringAsync("/api/rawdata");
        await Assert.That(raw).DoesNotContain("broken.example.com");
    }

    [Test]
    public async Task Api_server_down_at_start_then_up_starts_routing()
    {
        var port = FreePort.Get();
        var edge = await EdgeProcess.StartAsync([$"--providers.kubernetesingress.endpoint=http://127.0.0.1:{port}", .. FastReload], waitForPing: false);
        await using var __ = edge;
        // Not ready (503) while there is no configuration yet; the entry points listen all the same.
        await Assert.That(await edge.WaitForPingAnswerAsync()).IsEqualTo(503);
        using (var r = await edge.Http.GetAsync(edge.WebUrl + "/"))
            await Assert.That((int)r.StatusCode).IsEqualTo(404);
        await using var api = await FakeApiServer.StartAsync(new FakeApiServerOptions { Port = port });
        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("default", "whoami", 8080, "http", "10.42.0.3"));
        api.Upsert(K8s.Ingress("default", "late", "late.example.com", "/", "whoami", 80));
        await edge.WaitForRawDataAsync(r => r.Contains("default-late-late-example-com@kubernetes"), TimeSpan.FromSeconds(15));
        await edge.WaitForPingAsync();
        // The outage was logged once at error level, not once per retry.
        var errors = edge.Output.Split('\n').Count(l => l.Contains(" ERR ") && l.Contains("ingresses"));
        await Assert.That(errors).IsEqualTo(1);
    }

    /// <summary>A TLS API server demanding <paramref name="token"/>, its CA and the token in files of a new folder, one Ingress.</summary>
    private static async Task<(FakeApiServer Api, string Dir)> TlsApiWithIngress(string token, string tokenFileText, string ingress, string host)
    {
        var api = await FakeApiServer.StartAsync(new FakeApiServerOptions { Tls = true, BearerToken = token });
        var dir = Directory.CreateTempSubdirectory().FullName;
        api.WriteCaFile(Path.Combine(dir, "ca.crt"));
        await File.WriteAllTextAsync(Path.Combine(dir, "token"), tokenFileText);
        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("default", "whoami", 8080, "http", "10.42.0.3"));
        api.Upsert(K8s.Ingress("default", ingress, host, "/", "whoami", 80));
        return (api, dir);
    }

    [Test]
    public async Task Tls_api_server_with_bearer_token_file_and_ca_file()
    {
        var (api, dir) = await TlsApiWithIngress("s3cret", "s3cret\n", "secure", "secure.example.com");
        await using var _ = api;
        await using var edge = await EdgeProcess.StartWithApiAsync(api, [
            $"--providers.kubernetesingress.token={Path.Combine(dir, "token")}",
            $"--providers.kubernetesingress.certauthfilepath={Path.Combine(dir, "ca.crt")}", "--log.level=DEBUG"]);
        await edge.WaitForRawDataAsync(r => r.Contains("default-secure-secure-example-com@kubernetes"));
        await Assert.That(api.Requests.All(r => r.Authorization == "Bearer s3cret")).IsTrue();
    }

    [Test]
    public async Task In_cluster_client_uses_service_account_files()
    {
        var (api, dir) = await TlsApiWithIngress("sa-token", "sa-token", "incluster", "in.example.com");
        await using var _ = api;
        await using var edge = await EdgeProcess.StartAsync(FastReload, new Dictionary<string, string>
        {
            ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
            ["KUBERNETES_SERVICE_PORT"] = api.Port.ToString(),
            ["EDGE_SERVICE_ACCOUNT_DIR"] = dir,
        });
        await edge.WaitForRawDataAsync(r => r.Contains("default-incluster-in-example-com@kubernetes"));
        await Assert.That(api.Requests.All(r => r.Authorization == "Bearer sa-token")).IsTrue();
    }
}
