using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// artifacts/edge with a file provider and two loopback backends: loadBalancer.strategy hrw keeps a
/// client on one server (its address is the key), where the default wrr spreads its requests.
/// </summary>
[NotInParallel("edge-e2e")]
public sealed class LoadBalancerStrategyEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-lb-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<int[]> SpreadAsync(EdgeProcess edge, string host, EchoBackend a, EchoBackend b, int requests)
    {
        int a0 = a.Requests, b0 = b.Requests;
        for (int i = 0; i < requests; i++)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, edge.WebUrl + "/") { Headers = { Host = host } };
            using var resp = await edge.Http.SendAsync(req);
            await Assert.That((int)resp.StatusCode).IsEqualTo(200);
        }
        return [a.Requests - a0, b.Requests - b0];
    }

    [Test]
    public async Task Hrw_keeps_a_client_on_one_server_while_wrr_alternates()
    {
        await using var a = await EchoBackend.StartAsync("a");
        await using var b = await EchoBackend.StartAsync("b");
        var file = Path.Combine(_dir, "dynamic.yml");
        string Lb(string strategy) => $$"""
                  loadBalancer:
                    strategy: {{strategy}}
                    servers:
                      - url: http://127.0.0.1:{{a.Port}}
                      - url: http://127.0.0.1:{{b.Port}}
            """;
        System.IO.File.WriteAllText(file, $$"""
            http:
              routers:
                hashed: {rule: Host(`hrw.example.com`), service: hashed}
                turns: {rule: Host(`wrr.example.com`), service: turns}
              services:
                hashed:
            {{Lb("hrw")}}
                turns:
            {{Lb("wrr")}}
            """);
        await using var edge = await EdgeProcess.StartAsync([$"--providers.file.filename={file}", "--providers.providersThrottleDuration=0s"]);
        await edge.WaitForStatusAsync("hrw.example.com", "/", 200);
        await edge.WaitForStatusAsync("wrr.example.com", "/", 200);

        var hashed = await SpreadAsync(edge, "hrw.example.com", a, b, 20);
        await Assert.That(hashed.Max()).IsEqualTo(20).Because($"hrw: one client address, one server (a={hashed[0]}, b={hashed[1]})");
        var turns = await SpreadAsync(edge, "wrr.example.com", a, b, 20);
        await Assert.That(turns).IsEquivalentTo(new[] { 10, 10 }).Because("wrr: the same client takes turns");
    }
}
