using System.Net.Security;
using System.Text.Json.Nodes;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// A Traefik user's Helm release switched to Edge: the container arguments that Traefik's Helm
/// chart renders with its default values (chart 41.3.0, Traefik v3.7.11; the list is the chart's
/// own test "should set default values for args" in traefik/tests/deployment-config_test.yaml),
/// each entry point remapped from its container port to a free loopback port, and the kubeconfig
/// endpoint added because the test has no in-cluster service account. What the chart's pod relies
/// on is checked from outside: the readiness/liveness probe (GET /ping on the traefik port), routed
/// traffic on web and websecure, Prometheus on the metrics port, and the Ingress status copied from
/// the published Service.
/// </summary>
[NotInParallel("edge-e2e")]
public class HelmChartDefaultsEndToEndTests
{
    /// <summary>The chart's default arguments, verbatim, with its entry point ports as placeholders.</summary>
    private static readonly string[] ChartArgs =
    [
        "--entryPoints.metrics.address=:{metrics}/tcp",
        "--entryPoints.traefik.address=:{traefik}/tcp",
        "--entryPoints.web.address=:{web}/tcp",
        "--entryPoints.websecure.address=:{websecure}/tcp",
        "--api.dashboard=true",
        "--ping=true",
        "--metrics.prometheus=true",
        "--metrics.prometheus.entrypoint=metrics",
        "--providers.kubernetescrd",
        "--providers.kubernetescrd.allowEmptyServices=true",
        "--providers.kubernetesingress",
        "--providers.kubernetesingress.allowEmptyServices=true",
        "--providers.kubernetesingress.ingressendpoint.publishedservice=traefik/traefik",
        "--entryPoints.websecure.http.tls=true",
        "--log.level=INFO",
    ];

    [Test]
    public async Task The_charts_default_arguments_start_edge_and_its_probe_routes_and_metrics_answer()
    {
        var ports = new Dictionary<string, int>
        {
            ["metrics"] = FreePort.Get(), ["traefik"] = FreePort.Get(), ["web"] = FreePort.Get(), ["websecure"] = FreePort.Get(),
        };
        // ":8000/tcp" becomes "127.0.0.1:<free>/tcp": the same form, on loopback only.
        var args = ChartArgs.Select(a => ports.Aggregate(a, (s, p) => s.Replace(":{" + p.Key + "}/", $"127.0.0.1:{p.Value}/"))).ToList();
        await Assert.That(args.Any(a => a.Contains('{'))).IsFalse();

        await using var api = await FakeApiServer.StartAsync();
        var backendPort = FreePort.Get();
        await using var backend = await EchoBackend.StartAsync("app", "127.0.0.2", backendPort);
        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("default", "whoami", backendPort, "http", "127.0.0.2"));
        api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80));
        // The chart's own Service, whose load balancer address Traefik copies to every Ingress status.
        var published = K8s.Service("traefik", "traefik", 80);
        published.Spec.Type = "LoadBalancer";
        published.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "192.0.2.44" }] } };
        api.Upsert(published);

        await using var edge = await EdgeProcess.StartExactAsync([.. args, $"--providers.kubernetesingress.endpoint={api.Url}"],
            ports["web"], ports["traefik"]);

        // The chart's readinessProbe and livenessProbe: GET /ping on the traefik port.
        await Assert.That(await edge.PingStatusAsync()).IsEqualTo(200);

        using (var plain = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{ports["web"]}/hello") { Headers = { Host = "app.example.com" } })
        using (var r = await edge.Http.SendAsync(plain))
        {
            await Assert.That((int)r.StatusCode).IsEqualTo(200);
            await Assert.That((string?)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["backend"]).IsEqualTo("app");
        }

        // websecure has http.tls=true: routers there are TLS routers, served with the default certificate.
        using (var tls = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { TargetHost = "app.example.com", RemoteCertificateValidationCallback = (_, _, _, _) => true },
        }))
        using (var secure = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{ports["websecure"]}/hello") { Headers = { Host = "app.example.com" } })
        using (var r = await tls.SendAsync(secure))
            await Assert.That((int)r.StatusCode).IsEqualTo(200);

        var metrics = await edge.Http.GetStringAsync($"http://127.0.0.1:{ports["metrics"]}/metrics");
        await Assert.That(metrics).Contains("traefik_entrypoint_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"} 1");
        await Assert.That(metrics).Contains("traefik_config_reloads_total");

        var ingress = await Eventually.FoundAsync(
            () => api.Get<V1Ingress>("default", "app") is { Status.LoadBalancer.Ingress.Count: > 0 } i ? i : null,
            TimeSpan.FromSeconds(10), () => "the published Service's address never reached the Ingress status; edge output:\n" + edge.Output);
        await Assert.That(ingress.Status!.LoadBalancer!.Ingress![0].Ip).IsEqualTo("192.0.2.44");
        await Assert.That(edge.Output).DoesNotContain(" ERR ");
    }
}
