using System.Net;

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

        int ok = 0, failed = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var req = new HttpRequestMessage(HttpMethod.Get, f.Edge.WebUrl + "/") { Headers = { Host = "stable.example.com" } };
                    using var r = await http.SendAsync(req);
                    if (r.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok); else Interlocked.Increment(ref failed);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref failed); }
            }
        })).ToList();

        // 1. Down (503 to everything, watches cut) for a while.
        f.Api.SetDown(true);
        await Task.Delay(1500);
        f.Api.SetDown(false);
        // 2. A burst of 500s.
        f.Api.FailNextRequests(10, 500);
        f.Api.DropAllWatches();
        await Task.Delay(1000);
        // 3. A 410 storm: history gone twice with watches cut.
        for (int i = 0; i < 3; i++)
        {
            f.Api.ExpireHistory();
            f.Api.DropAllWatches();
            await Task.Delay(300);
        }
        // 4. Stopped and restarted on the same port.
        await f.Api.StopAsync();
        await Task.Delay(1000);
        await f.Api.RestartAsync();

        // Converged: a change made after the faults is served.
        f.Api.Upsert(K8s.Ingress("default", "after", "after.example.com", "/", "whoami", 80));
        await f.WaitForRouteAsync("after.example.com", "/", TimeSpan.FromSeconds(40));
        stop.Cancel();
        await Task.WhenAll(load);
        await Assert.That(failed).IsEqualTo(0);
        await Assert.That(ok).IsGreaterThan(100);
        using var r2 = await f.SendAsync("stable.example.com", "/");
        await Assert.That(r2.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }
}
