using System.Diagnostics;
using System.Net;
using Edge.Tests.Support;

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
        // The backend sends its headers and part of a 1000-byte body, then resets 100 ms later:
        // "at once" means the client sees the abort within a second of the headers, not after a
        // proxy timeout (the shortest default one is several seconds).
        using var req = f.Get("app.example.com", "/reset");
        var threw = false;
        Stopwatch? sinceHeaders = null;
        try
        {
            using var r = await f.Edge.Http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
            sinceHeaders = Stopwatch.StartNew();
            await r.Content.ReadAsByteArrayAsync();
        }
        catch (HttpRequestException) { threw = true; }
        catch (IOException) { threw = true; }
        await Assert.That(threw).IsTrue();
        await Assert.That(sinceHeaders).IsNotNull().Because("the backend's status line and headers were relayed before its reset");
        await Assert.That(sinceHeaders!.Elapsed).IsLessThan(TimeSpan.FromSeconds(1));
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
        var before = (a: f.A.Requests, b: f.B.Requests);
        var inflight = Enumerable.Range(0, 6).Select(_ => f.SendAsync("app.example.com", "/slow?ms=1500")).ToList();
        // All six are being answered (round robin: three on each backend) before 127.0.0.3 leaves.
        await Eventually.UntilAsync(() => f.A.Requests - before.a == 3 && f.B.Requests - before.b == 3,
            TimeSpan.FromSeconds(5), "three slow requests in flight on each backend");
        f.Api.Upsert(K8s.Slice("default", "whoami", f.BackendPort, "http", "127.0.0.2"));   // 127.0.0.3 leaves
        var answeredBy = new List<string>();
        foreach (var t in inflight)
        {
            using var r = await t;
            await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
            answeredBy.Add((string)System.Text.Json.Nodes.JsonNode.Parse(await r.Content.ReadAsStringAsync())!["backend"]!);
        }
        // The requests that were on the leaving backend completed there, not retried elsewhere.
        await Assert.That(answeredBy.Count(b => b == "b")).IsEqualTo(3);
        await Assert.That(f.B.Requests - before.b).IsEqualTo(3);
        await f.Edge.WaitForRawDataAsync(raw => !raw.Contains("127.0.0.3"));
        for (int i = 0; i < 4; i++)
        {
            using var r = await f.SendAsync("app.example.com", "/");
            await Assert.That(await r.Content.ReadAsStringAsync()).Contains("\"backend\":\"a\"");
        }
    }

    [Test]
    public async Task Faults_leave_no_connection_or_descriptor_behind()
    {
        var dead = Support.FreePort.Get();   // nothing listens there: connection refused
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80));
            api.Upsert(K8s.Service("default", "gone", 80, "http"));
            api.Upsert(K8s.Slice("default", "gone", dead, "http", "127.0.0.5"));
            api.Upsert(K8s.Ingress("default", "gone", "gone.example.com", "/", "gone", 80));
        }, "--metrics.prometheus=true", "--serversTransport.forwardingTimeouts.responseHeaderTimeout=1s",
           "--serversTransport.forwardingTimeouts.idleConnTimeout=1s");
        await f.WaitForRouteAsync("app.example.com", "/");
        await f.WaitForRouteAsync("gone.example.com", "/");
        // The baseline is taken once the warm-up's idle backend connections are closed (idleConnTimeout):
        // taken earlier, it would count them and hide as many leaked descriptors.
        await Eventually.UntilAsync(() => f.A.OpenConnections + f.B.OpenConnections == 0, TimeSpan.FromSeconds(10),
            () => $"backend connections still open: {f.A.OpenConnections} + {f.B.OpenConnections}");
        var baselineGauge = await WebConnections(f);
        var baselineFds = Descriptors(f.Edge.Pid);

        using (var c = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) })
        {
            async Task<HttpStatusCode> Send(string host, string path, CancellationToken ct = default)
            {
                using var req = new HttpRequestMessage(HttpMethod.Get, f.Edge.WebUrl + path) { Headers = { Host = host } };
                using var r = await c.SendAsync(req, ct);
                await r.Content.ReadAsByteArrayAsync(ct);
                return r.StatusCode;
            }
            await Assert.That(await Send("gone.example.com", "/")).IsEqualTo(HttpStatusCode.BadGateway);        // refused
            var sw = Stopwatch.StartNew();
            await Assert.That(await Send("app.example.com", "/slow?ms=4000")).IsEqualTo(HttpStatusCode.GatewayTimeout); // slow headers
            await Assert.That(sw.Elapsed).IsLessThan(TimeSpan.FromSeconds(3));
            await Assert.That(await Send("app.example.com", "/sse")).IsEqualTo(HttpStatusCode.OK);               // slow body completes
            var reset = false;
            try { await Send("app.example.com", "/reset"); } catch (Exception e) when (e is HttpRequestException or IOException) { reset = true; }
            await Assert.That(reset).IsTrue();                                                                   // reset mid-response
            // Half-open: clients that give up while the backend is still thinking.
            var abandoned = Enumerable.Range(0, 8).Select(async _ =>
            {
                using var cts = new CancellationTokenSource(200);
                try { await Send("app.example.com", "/slow?ms=800", cts.Token); } catch (OperationCanceledException) { }
            });
            await Task.WhenAll(abandoned);
        }

        // Everything opened for the faults is closed again: client connections (the gauge) and
        // backend connections (edge's descriptors) return to where they were.
        long gauge = -1; int fds = -1;
        await Eventually.UntilAsync(async () => (gauge = await WebConnections(f)) == baselineGauge & (fds = Descriptors(f.Edge.Pid)) <= baselineFds,
            TimeSpan.FromSeconds(8), () => $"open connections {gauge} (baseline {baselineGauge}), descriptors {fds} (baseline {baselineFds})");
        await Assert.That(gauge).IsEqualTo(baselineGauge);
        await Assert.That(fds).IsLessThanOrEqualTo(baselineFds);
    }

    private static async Task<long> WebConnections(DataPlaneFixture f)
    {
        var text = await f.Edge.GetStringAsync("/metrics");
        var line = text.Split('\n').Single(l => l.StartsWith("traefik_open_connections{entrypoint=\"web\"", StringComparison.Ordinal));
        return long.Parse(line[(line.LastIndexOf(' ') + 1)..]);
    }

    private static int Descriptors(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;
}
