using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests.Support;
using static Edge.Tests.EndToEnd.IngressRouteTcpEndToEndTests;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// IngressRouteUDP from the fake API server, served by artifacts/edge on a UDP entry point
/// (<c>--entryPoints.dns.address=127.0.0.1:port/udp</c>): two UDP echo servers on loopback are the
/// endpoints of two Kubernetes Services of one route (weights 1 and 1). Proves that datagrams reach a
/// server and its answers come back, that a client keeps its server for its session, that sessions
/// alternate between the services, and that an idle session ends after <c>udp.timeout</c>.
/// </summary>
[NotInParallel("edge-e2e")]
public sealed class IngressRouteUdpEndToEndTests
{
    private static void ExposeUdp(Tests.FakeApi.FakeApiServer api, string name, int port)
    {
        var service = K8s.Service("default", name, 53, "dns");
        service.Spec.Ports[0].Protocol = "UDP";
        api.Upsert(service);
        var slice = K8s.Slice("default", name, port, "dns", "127.0.0.1");
        slice.Ports[0].Protocol = "UDP";
        api.Upsert(slice);
    }

    private static async Task<string> AskAsync(UdpClient client, int port, string text)
    {
        await client.SendAsync(Encoding.ASCII.GetBytes(text), new IPEndPoint(IPAddress.Loopback, port));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var r = await client.ReceiveAsync(cts.Token);
        return Encoding.ASCII.GetString(r.Buffer);
    }

    [Test]
    public async Task IngressRouteUdp_datagrams_reach_the_weighted_servers_per_session_and_idle_sessions_end()
    {
        await using var a = UdpEchoServer.Start("a");
        await using var b = UdpEchoServer.Start("b");
        int dns = FreePort.Get();
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            ExposeUdp(api, "dns-a", a.Port);
            ExposeUdp(api, "dns-b", b.Port);
            api.UpsertJson(Crd("IngressRouteUDP", "default", "resolver", """
                {"entryPoints":["dns"],"routes":[{"services":[{"name":"dns-a","port":53,"weight":1},{"name":"dns-b","port":"dns","weight":1}]}]}
                """));
        }, "--providers.kubernetescrd", $"--entrypoints.dns.address=127.0.0.1:{dns}/udp", "--entrypoints.dns.udp.timeout=1s");

        var raw = await Eventually.UntilAsync(async () => JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!,
            r => r["udpRouters"]?["default-resolver-0@kubernetescrd"] is not null, TimeSpan.FromSeconds(15),
            r => $"no UDP router: {r.ToJsonString()}\n{f.Edge.Output}");
        await Assert.That((string?)raw["udpRouters"]!["default-resolver-0@kubernetescrd"]!["status"]).IsEqualTo("enabled");

        using var one = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var two = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        // The first session's server answers every datagram of that client.
        var first = await AskAsync(one, dns, "q1");
        var server = first[..first.IndexOf(':')];
        await Assert.That(first).IsEqualTo(server + ":q1");
        await Assert.That(await AskAsync(one, dns, "q2")).IsEqualTo(server + ":q2").Because("a client keeps its server for its session");
        // A second client is a second session: the other service of weight 1.
        var other = server == "a" ? "b" : "a";
        await Assert.That(await AskAsync(two, dns, "q3")).IsEqualTo(other + ":q3");
        await Assert.That(a.Sources + b.Sources).IsEqualTo(2).Because("one session, one source address towards the servers");

        // Silent for longer than udp.timeout (1s): the session ends, the next datagram opens a new one
        // (the third pick of the round robin: the first server again, from a new source address).
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await Assert.That(await AskAsync(one, dns, "q4")).IsEqualTo(server + ":q4");
        await Assert.That(a.Sources + b.Sources).IsEqualTo(3).Because("the idle session was closed and a new one opened");

        var services = JsonNode.Parse(await f.Edge.GetStringAsync("/api/udp/services"))!.AsArray();
        var weighted = services.First(s => (string?)s!["name"] == "default-resolver-0@kubernetescrd")!;
        await Assert.That((string?)weighted["type"]).IsEqualTo("weighted");
        await Assert.That((string?)weighted["provider"]).IsEqualTo("kubernetescrd");
        var routers = JsonNode.Parse(await f.Edge.GetStringAsync("/api/udp/routers"))!.AsArray();
        await Assert.That((string?)routers.Single()!["entryPoints"]![0]).IsEqualTo("dns");
        var overview = JsonNode.Parse(await f.Edge.GetStringAsync("/api/overview"))!;
        await Assert.That((int?)overview["udp"]!["routers"]!["total"]).IsEqualTo(1);
        await Assert.That((int?)overview["udp"]!["services"]!["total"]).IsEqualTo(3);
    }
}
