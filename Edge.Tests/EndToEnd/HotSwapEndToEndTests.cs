using System.Diagnostics;
using System.Net;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>Configuration swaps under load, and the healthcheck subcommand.</summary>
[NotInParallel("edge-e2e")]
public class HotSwapEndToEndTests
{
    [Test]
    public async Task Two_hundred_route_changes_under_load_fail_no_request_to_an_unchanged_route()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "stable", "stable.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("stable.example.com", "/");

        await using var load = RequestLoad.Start(f.Edge.WebUrl + "/", "stable.example.com", clients: 16);

        for (int i = 0; i < 200; i++)
        {
            // Adds and deletes of other routes, each waited for until edge serves it: 200 configurations
            // and tables swapped under the load, however slow the machine (a fixed pause between changes
            // would let a slow edge fold them into a few).
            if (i % 3 == 2)
            {
                f.Api.Delete<k8s.Models.V1Ingress>("default", $"churn-{i - 1}");
                await WaitForRouterAsync(f, ChurnRouter(i - 1), present: false);
            }
            else
            {
                f.Api.Upsert(K8s.Ingress("default", $"churn-{i}", $"churn{i}.example.com", "/p" + i, "whoami", 80));
                await WaitForRouterAsync(f, ChurnRouter(i), present: true);
            }
        }
        await f.Edge.WaitForRawDataAsync(r => r.Contains("default-churn-198-churn198-example-com-p198@kubernetes"));
        await load.StopAsync();
        await Assert.That(load.Failed).IsEqualTo(0);
        await Assert.That(load.Ok).IsGreaterThan(100);
        using var churned = await f.SendAsync("churn198.example.com", "/p198");
        await Assert.That(churned.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    private static string ChurnRouter(int i) => $"default-churn-{i}-churn{i}-example-com-p{i}@kubernetes";

    /// <summary>Waits until /api/http/routers/{name} answers 200 (present) or 404 (gone).</summary>
    private static Task WaitForRouterAsync(DataPlaneFixture f, string name, bool present) =>
        Eventually.UntilAsync(async () =>
        {
            using var r = await f.Edge.Http.GetAsync($"{f.Edge.ApiUrl}/api/http/routers/{Uri.EscapeDataString(name)}");
            return r.StatusCode == (present ? HttpStatusCode.OK : HttpStatusCode.NotFound);
        }, TimeSpan.FromSeconds(10), () => $"router {name} never {(present ? "served" : "removed")}; edge output:\n{f.Edge.Output}");

    [Test]
    public async Task Healthcheck_ping_exits_0_while_running_and_1_when_down()
    {
        await using var f = await DataPlaneFixture.StartAsync();
        async Task<int> Check()
        {
            var psi = new ProcessStartInfo(RepoPaths.EdgeBinary) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "healthcheck", "--ping", $"--entrypoints.traefik.address=127.0.0.1:{f.Edge.ApiPort}" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            await p.WaitForExitAsync();
            return p.ExitCode;
        }
        await Assert.That(await Check()).IsEqualTo(0);
        await f.Edge.StopAsync();
        await Assert.That(await Check()).IsEqualTo(1);
    }
}
