using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Entry point options of Traefik's static configuration that shape connections and forwarded
/// headers, through artifacts/edge: transport.keepAliveMaxRequests, http.maxHeaderBytes,
/// forwardedHeaders.notAppendXForwardedFor / addXForwardedSchemeHeaders (and the global switch),
/// and reusePort (two processes on one port).
/// </summary>
[NotInParallel("edge-e2e")]
public class EntryPointTransportEndToEndTests
{
    private const string Get = "GET /t HTTP/1.1\r\nHost: app.example.com\r\n\r\n";

    private static async Task<DataPlaneFixture> StartAsync(params string[] args)
    {
        var f = await DataPlaneFixture.StartAsync((api, _) => api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/t", "whoami", 80)), args);
        await f.WaitForRouteAsync("app.example.com", "/t");
        return f;
    }

    [Test]
    public async Task KeepAliveMaxRequests_closes_the_connection_after_the_nth_request()
    {
        await using var f = await StartAsync("--entryPoints.web.transport.keepAliveMaxRequests=2");
        // Three pipelined requests on one connection: two are answered, the second with Connection: close.
        var raw = await RawHttp.SendAsync(f.Edge.WebPort, Get + Get + Get);
        var responses = Regex.Split(raw, @"(?=HTTP/1\.1 \d{3} )").Where(r => r.Length > 0).ToList();
        await Assert.That(responses.Count).IsEqualTo(2);
        await Assert.That(responses[0]).DoesNotContain("Connection: close");
        await Assert.That(responses[1]).Contains("Connection: close");
    }

    [Test]
    public async Task MaxHeaderBytes_raises_and_bounds_the_header_size()
    {
        string Big(int n) => $"GET /t HTTP/1.1\r\nHost: app.example.com\r\nX-Big: {new string('b', n)}\r\nConnection: close\r\n\r\n";
        await using (var byDefault = await StartAsync())
            await Assert.That(RawHttp.Status(await RawHttp.SendAsync(byDefault.Edge.WebPort, Big(40_000)))).IsEqualTo(431).Because("Edge's default is 32 KiB");
        await using var f = await StartAsync("--entryPoints.web.http.maxHeaderBytes=65536");
        await Assert.That(RawHttp.Status(await RawHttp.SendAsync(f.Edge.WebPort, Big(40_000)))).IsEqualTo(200);
        await Assert.That(RawHttp.Status(await RawHttp.SendAsync(f.Edge.WebPort, Big(70_000)))).IsEqualTo(431);
    }

    [Test]
    [Arguments("--entryPoints.web.forwardedHeaders.notAppendXForwardedFor=true")]
    [Arguments("--global.notAppendXForwardedFor=true")]
    public async Task NotAppendXForwardedFor_leaves_the_client_address_out(string option)
    {
        await using var f = await StartAsync(option, "--entryPoints.web.forwardedHeaders.addXForwardedSchemeHeaders=true");
        using var r = await f.SendAsync("app.example.com", "/t");
        var headers = JsonNode.Parse(await r.Content.ReadAsStringAsync())!["headers"]!.AsObject();
        await Assert.That(headers.ContainsKey("X-Forwarded-For")).IsFalse();
        await Assert.That((string?)headers["X-Real-Ip"]).IsEqualTo("127.0.0.1").Because("only X-Forwarded-For is affected");
        await Assert.That((string?)headers["X-Forwarded-Scheme"]).IsEqualTo("http");
        await Assert.That((string?)headers["X-Scheme"]).IsEqualTo("http");
    }

    [Test]
    public async Task ReusePort_lets_two_processes_share_the_entry_point()
    {
        await using var api = await FakeApiServer.StartAsync();
        var backendPort = FreePort.Get();
        await using var backend = await EchoBackend.StartAsync("a", "127.0.0.2", backendPort);
        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("default", "whoami", backendPort, "http", "127.0.0.2"));
        api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/t", "whoami", 80));
        int web = FreePort.Get();
        string[] Args(int traefik) =>
        [
            $"--entryPoints.web.address=127.0.0.1:{web}", "--entryPoints.web.reusePort=true", $"--entryPoints.traefik.address=127.0.0.1:{traefik}",
            "--ping", .. EdgeProcess.IngressProviderArgs(api),
        ];
        int t1 = FreePort.Get(), t2 = FreePort.Get();
        await using var first = await EdgeProcess.StartExactAsync(Args(t1), web, t1);
        await using var second = await EdgeProcess.StartExactAsync(Args(t2), web, t2);
        await Assert.That(second.HasExited).IsFalse().Because("the second bind succeeds with SO_REUSEPORT");
        await first.StopAsync();
        await second.WaitForStatusAsync("app.example.com", "/t", 200);   // the second process serves the shared port
    }
}
