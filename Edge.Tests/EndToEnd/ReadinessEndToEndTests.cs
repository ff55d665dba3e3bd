using System.Net;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Readiness (issue 16): /ping answers 503 until the provider's first configuration is served,
/// then 200, so a rolling update never sends traffic to a pod without routes (traefik#10458);
/// ping.waitForConfiguration=false restores Traefik's behaviour; ping.terminatingStatusCode is
/// what /ping answers during shutdown.
/// </summary>
[NotInParallel("edge-e2e")]
public class ReadinessEndToEndTests
{
    private static async Task<(FakeApiServer Api, EchoBackend Backend)> ApiWithRoute()
    {
        var api = await FakeApiServer.StartAsync();
        var backend = await EchoBackend.StartAsync("ready", "127.0.0.2", FreePort.Get());
        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("default", "whoami", backend.Port, "http", "127.0.0.2"));
        api.Upsert(K8s.Ingress("default", "app", "ready.example.com", "/", "whoami", 80));
        return (api, backend);
    }

    private static Task<EdgeProcess> StartEdge(FakeApiServer api, params string[] extra) =>
        EdgeProcess.StartWithApiAsync(api, extra, waitForPing: false);

    private static async Task<HttpStatusCode> Routed(EdgeProcess edge)
    {
        using var r = await edge.SendAsync("ready.example.com", "/");
        return r.StatusCode;
    }

    [Test]
    public async Task Ping_is_503_until_the_first_configuration_is_served_and_a_routed_host_never_404s_once_ping_is_200()
    {
        var (api, backend) = await ApiWithRoute();
        await using var _ = api; await using var __ = backend;
        api.HoldLists();
        await using var edge = await StartEdge(api);

        await Assert.That(await edge.WaitForPingAnswerAsync()).IsEqualTo(503);
        // Edge is connected and listing, but has no objects: still not ready, and the host is not routed yet.
        await Eventually.UntilAsync(() => api.HeldLists > 0, TimeSpan.FromSeconds(10), () => "edge never listed:\n" + edge.Output);
        await Assert.That(api.HeldLists).IsGreaterThan(0);
        await Assert.That(await edge.PingStatusAsync()).IsEqualTo(503);
        await Assert.That(await Routed(edge)).IsEqualTo(HttpStatusCode.NotFound);

        api.ReleaseLists();
        // Every time /ping says 200, a request sent after it must reach the backend.
        int readyAnswers = 0, notReadyAnswers = 0;
        await Eventually.UntilAsync(async () =>
        {
            var ping = await edge.PingStatusAsync();
            if (ping != 200) { notReadyAnswers++; return false; }
            readyAnswers++;
            await Assert.That(await Routed(edge)).IsEqualTo(HttpStatusCode.OK).Because("/ping said 200 before this request");
            return readyAnswers == 50;
        }, TimeSpan.FromSeconds(15), () => $"{readyAnswers} answers 200 of 50 ({notReadyAnswers} not ready):\n{edge.Output}",
            poll: TimeSpan.Zero);   // back to back: the moment /ping turns 200 is the one that matters
        await Assert.That(readyAnswers).IsEqualTo(50).Because(edge.Output);
        await Assert.That(backend.Requests).IsGreaterThanOrEqualTo(50);
    }

    [Test]
    public async Task Ping_is_503_while_the_api_server_is_unreachable()
    {
        var port = FreePort.Get();
        await using var edge = await EdgeProcess.StartAsync([$"--providers.kubernetesingress.endpoint=http://127.0.0.1:{port}", "--log.level=DEBUG"], waitForPing: false);
        await Assert.That(await edge.WaitForPingAnswerAsync()).IsEqualTo(503);
        // Barrier: edge has been refused, has handled it (backed off) and been refused again, so
        // whatever it does about an unreachable API server it has done by now.
        await Eventually.UntilAsync(() => edge.Output.Split('\n').Count(l => l.Contains("Error watching Kubernetes resources") && l.Contains("ingresses")) >= 2,
            TimeSpan.FromSeconds(10), () => "edge was not refused twice:\n" + edge.Output);
        await Assert.That(await edge.PingStatusAsync()).IsEqualTo(503);
    }

    [Test]
    public async Task Wait_for_configuration_false_answers_200_before_any_configuration_like_Traefik()
    {
        var (api, backend) = await ApiWithRoute();
        await using var _ = api; await using var __ = backend;
        api.HoldLists();
        await using var edge = await StartEdge(api, "--ping.waitForConfiguration=false");
        await Assert.That(await edge.WaitForPingAnswerAsync()).IsEqualTo(200);
        await Assert.That(await Routed(edge)).IsEqualTo(HttpStatusCode.NotFound);
        api.ReleaseLists();
    }

    [Test]
    public async Task Ping_answers_the_terminating_status_code_during_shutdown()
    {
        var (api, backend) = await ApiWithRoute();
        await using var _ = api; await using var __ = backend;
        await using var edge = await StartEdge(api, "--ping.terminatingStatusCode=418",
            "--entrypoints.traefik.transport.lifecycle.requestAcceptGraceTimeout=3s");
        await edge.WaitForPingAsync();
        Signals.Terminate(edge.Pid);
        var status = await Eventually.UntilAsync(edge.PingStatusAsync, s => s != 200, TimeSpan.FromSeconds(3), s => $"/ping still {s} after SIGTERM");
        await Assert.That(status).IsEqualTo(418);
        // Routed traffic is still served during the accept grace period.
        await Assert.That(await Routed(edge)).IsEqualTo(HttpStatusCode.OK);
    }
}
