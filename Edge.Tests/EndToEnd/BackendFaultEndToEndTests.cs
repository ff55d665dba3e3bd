using System.Diagnostics;
using System.Net;

namespace Edge.Tests.EndToEnd;

/// <summary>Backends that reset, or leave the EndpointSlice while requests are in flight.</summary>
[NotInParallel("edge-e2e")]
public class BackendFaultEndToEndTests
{
    [Test]
    public async Task Reset_mid_response_aborts_the_client_response_promptly()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("app.example.com", "/");
        var sw = Stopwatch.StartNew();
        using var req = f.Get("app.example.com", "/reset");
        var threw = false;
        try
        {
            using var r = await f.Edge.Http.SendAsync(req);
            await r.Content.ReadAsByteArrayAsync();
        }
        catch (HttpRequestException) { threw = true; }
        catch (IOException) { threw = true; }
        await Assert.That(threw).IsTrue();
        await Assert.That(sw.Elapsed).IsLessThan(TimeSpan.FromSeconds(5));
        // The proxy itself is fine afterwards.
        using var ok = await f.SendAsync("app.example.com", "/");
        await Assert.That(ok.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    [Test]
    public async Task Requests_in_flight_complete_when_their_backend_leaves_the_endpoint_slice()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("app.example.com", "/");
        var inflight = Enumerable.Range(0, 6).Select(_ => f.SendAsync("app.example.com", "/slow?ms=1500")).ToList();
        await Task.Delay(300);
        f.Api.Upsert(K8s.Slice("default", "whoami", f.BackendPort, "http", "127.0.0.2"));   // 127.0.0.3 leaves
        foreach (var t in inflight)
        {
            using var r = await t;
            await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }
        await f.Edge.WaitForRawDataAsync(raw => !raw.Contains("127.0.0.3"));
        for (int i = 0; i < 4; i++)
        {
            using var r = await f.SendAsync("app.example.com", "/");
            await Assert.That(await r.Content.ReadAsStringAsync()).Contains("\"backend\":\"a\"");
        }
    }
}
