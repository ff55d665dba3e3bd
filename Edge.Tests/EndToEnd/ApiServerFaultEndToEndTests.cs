using System.Net;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The API server going away, answering 500s, or forcing relists must not fail a single request
/// to a route that did not change; the caches converge again afterwards.
/// </summary>
[NotInParallel("edge-e2e")]
public class ApiServerFaultEndToEndTests
{
    [Test]
    public async Task Last_good_configuration_keeps_serving_through_api_server_faults()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "stable", "stable.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("stable.example.com", "/");

        await using var load = RequestLoad.Start(f.Edge.WebUrl + "/", "stable.example.com", clients: 8);

        // Each fault lasts until edge has lived through it (seen in its debug log or in the API
        // server's request log), not a fixed time that a slow edge might spend without noticing it.
        // 1. Down (503 to everything, watches cut) until the Ingress informer was refused 4 times
        //    (three backoffs: 0.2 + 0.4 + 0.8 s).
        var mark = f.Edge.Output.Length;
        f.Api.SetDown(true);
        await IngressInformerLoggedAsync(f, mark, RetryMessage, times: 4);
        f.Api.SetDown(false);
        // 2. A burst of 500s, until all 10 are spent and a request after them got through.
        var burstAt = DateTimeOffset.UtcNow;
        f.Api.FailNextRequests(10, 500);
        f.Api.DropAllWatches();
        await Eventually.UntilAsync(() => f.Api.Requests.Count(r => r.At >= burstAt) >= 11, TimeSpan.FromSeconds(20),
            () => "the 10 injected 500s were not all answered; edge output:\n" + f.Edge.Output);
        // 3. A 410 storm: history gone three times with watches cut, each until the Ingress informer
        //    listed again. An unrelated change first moves the history's start past the informer's
        //    resourceVersion, so that a re-watch is answered 410 (not resumed) and only a list helps.
        for (int i = 0; i < 3; i++)
        {
            mark = f.Edge.Output.Length;
            f.Api.Upsert(K8s.Service("default", $"storm-{i}", 80, "http"));
            f.Api.ExpireHistory();
            f.Api.DropAllWatches();
            await IngressInformerLoggedAsync(f, mark, "Listed Kubernetes resources", times: 1);
        }
        // 4. Stopped (connections refused) until the Ingress informer was refused 4 times, then
        //    restarted on the same port.
        mark = f.Edge.Output.Length;
        await f.Api.StopAsync();
        await IngressInformerLoggedAsync(f, mark, RetryMessage, times: 4);
        await f.Api.RestartAsync();

        // Converged: a change made after the faults is served.
        f.Api.Upsert(K8s.Ingress("default", "after", "after.example.com", "/", "whoami", 80));
        await f.WaitForRouteAsync("after.example.com", "/", TimeSpan.FromSeconds(40));
        await load.StopAsync();
        await Assert.That(load.Failed).IsEqualTo(0);
        await Assert.That(load.Ok).IsGreaterThan(100);
        using var r2 = await f.SendAsync("stable.example.com", "/");
        await Assert.That(r2.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    private const string RetryMessage = "Error watching Kubernetes resources, retrying with backoff";

    /// <summary>Waits until edge's output after <paramref name="mark"/> has <paramref name="message"/> for Ingresses <paramref name="times"/> times.</summary>
    private static Task IngressInformerLoggedAsync(DataPlaneFixture f, int mark, string message, int times) =>
        Eventually.UntilAsync(() => f.Edge.Output[mark..].Split('\n').Count(l => l.Contains(message) && l.Contains("ingresses (all namespaces)")) >= times,
            TimeSpan.FromSeconds(20), () => $"not {times}x \"{message}\" for ingresses; edge output:\n{f.Edge.Output[mark..]}");
}
