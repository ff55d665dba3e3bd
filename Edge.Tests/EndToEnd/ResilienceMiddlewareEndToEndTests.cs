using System.Net;
using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// retry, buffering, circuitBreaker and digestAuth through artifacts/edge with the file provider:
/// a server port that refuses beside one that works, a body over the limit, a breaker that trips
/// on a refusing server and recovers once it listens, and a digest login by HttpClient.
/// </summary>
[NotInParallel("edge-e2e")]
public sealed class ResilienceMiddlewareEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-resilience-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<EdgeProcess> StartAsync(string yaml, params string[] extra)
    {
        var file = Path.Combine(_dir, "dynamic.yml");
        await File.WriteAllTextAsync(file, yaml);
        var edge = await EdgeProcess.StartAsync([$"--providers.file.filename={file}", "--providers.providersThrottleDuration=0s", .. extra]);
        await edge.WaitForRawDataAsync(raw => raw.Contains("\"routers\":{\""));
        return edge;
    }

    private static Task<(int Status, string Body)> SendAsync(EdgeProcess edge, string path, HttpMethod? method = null, string? body = null) =>
        edge.FetchAsync(edge.WebAuthority, path, body, method);

    [Test]
    public async Task Retry_reaches_the_working_server_when_the_other_refuses_and_counts_it()
    {
        await using var backend = await EchoBackend.StartAsync("good");
        int refused = FreePort.Get();   // nobody listens there
        var log = Path.Combine(_dir, "access.log");
        var yaml = $$$"""
            http:
              routers:
                retried: {rule: "PathPrefix(`/retried`)", service: flaky, middlewares: [retry]}
                plain: {rule: "PathPrefix(`/plain`)", service: flaky}
              services:
                flaky:
                  loadBalancer:
                    servers: [{url: "http://127.0.0.1:{{{refused}}}"}, {url: "http://127.0.0.1:{{{backend.Port}}}"}]
              middlewares:
                retry: {retry: {attempts: 3, initialInterval: 10ms}}
            """;
        await using var edge = await StartAsync(yaml, "--accesslog=true", "--accesslog.format=json", $"--accesslog.filePath={log}",
            "--metrics.prometheus=true");
        // The servers take turns: from the second request on, each one's turn starts at the refusing server.
        for (int i = 0; i < 4; i++)
        {
            var (status, body) = await SendAsync(edge, "/retried/x", HttpMethod.Post, "body-" + i);
            await Assert.That(status).IsEqualTo(200).Because(body);
            await Assert.That((string?)JsonNode.Parse(body)!["backend"]).IsEqualTo("good");
        }
        var plain = new List<int>();
        for (int i = 0; i < 4; i++) plain.Add((await SendAsync(edge, "/plain/x")).Status);
        await Assert.That(plain.Count(s => s == 502)).IsEqualTo(2).Because("without retry the refusing server's turns are 502s");

        var lines = await Eventually.UntilAsync(() => Task.FromResult(File.Exists(log)
                ? File.ReadAllLines(log).Where(l => l.Contains("/retried/x")).Select(l => JsonNode.Parse(l)!).ToList() : []),
            l => l.Count == 4, TimeSpan.FromSeconds(10), _ => "access log lines missing");
        var retries = lines.Select(l => (int)l["RetryAttempts"]!).ToList();
        await Assert.That(retries.Sum()).IsGreaterThanOrEqualTo(3);
        await Assert.That(retries.All(n => n is 0 or 1)).IsTrue().Because(string.Join(",", retries));
        var metrics = await edge.GetStringAsync("/metrics");
        await Assert.That(metrics).Contains($"traefik_service_retries_total{{service=\"flaky@file\"}} {retries.Sum()}");
    }

    [Test]
    public async Task Buffering_refuses_a_body_over_maxRequestBodyBytes_with_413()
    {
        await using var backend = await EchoBackend.StartAsync("b");
        var yaml = $$$"""
            http:
              routers:
                up: {rule: "PathPrefix(`/upload`)", service: app, middlewares: [limit]}
              services:
                app: {loadBalancer: {servers: [{url: "http://127.0.0.1:{{{backend.Port}}}"}]}}
              middlewares:
                limit: {buffering: {maxRequestBodyBytes: 10}}
            """;
        await using var edge = await StartAsync(yaml);
        var over = await SendAsync(edge, "/upload", HttpMethod.Post, "01234567890");
        await Assert.That(over.Status).IsEqualTo(413);
        await Assert.That(over.Body).IsEqualTo("Maximum size 10 was reached");
        var within = await SendAsync(edge, "/upload", HttpMethod.Post, "0123456789");
        await Assert.That(within).IsEqualTo((200, "10"));
        await Assert.That(backend.Requests).IsEqualTo(1).Because("the refused body never reached the backend");
    }

    [Test]
    public async Task CircuitBreaker_trips_to_503_on_network_errors_and_recovers_when_the_server_is_back()
    {
        int port = FreePort.Get();
        var yaml = $$$"""
            http:
              routers:
                cb: {rule: "PathPrefix(`/cb`)", service: app, middlewares: [breaker]}
              services:
                app: {loadBalancer: {servers: [{url: "http://127.0.0.1:{{{port}}}"}]}}
              middlewares:
                breaker:
                  circuitBreaker: {expression: "NetworkErrorRatio() > 0.5", fallbackDuration: 1s, recoveryDuration: 1s}
            """;
        await using var edge = await StartAsync(yaml);
        await Assert.That((await SendAsync(edge, "/cb")).Status).IsEqualTo(502).Because("the server refuses");
        var tripped = await SendAsync(edge, "/cb");
        await Assert.That(tripped).IsEqualTo((503, "Service Unavailable"));

        await using var backend = await EchoBackend.StartAsync("back", port: port);
        // After fallbackDuration the breaker recovers: first some, then all requests reach the server.
        await edge.WaitForStatusAsync(edge.WebAuthority, "/cb", 200);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        for (int i = 0; i < 5; i++) await Assert.That((await SendAsync(edge, "/cb")).Status).IsEqualTo(200).Because("standby again");
    }

    [Test]
    public async Task DigestAuth_challenges_with_401_and_lets_HttpClients_digest_answer_through()
    {
        await using var backend = await EchoBackend.StartAsync("d");
        var yaml = $$$"""
            http:
              routers:
                d: {rule: "PathPrefix(`/digest`)", service: app, middlewares: [digest]}
              services:
                app: {loadBalancer: {servers: [{url: "http://127.0.0.1:{{{backend.Port}}}"}]}}
              middlewares:
                digest: {digestAuth: {users: ["test:traefik:a2688e031edb4be6a3797f3882655c05"], headerField: X-WebAuth-User}}
            """;
        await using var edge = await StartAsync(yaml);
        using (var anonymous = await edge.Http.GetAsync(edge.WebUrl + "/digest/x"))
        {
            await Assert.That((int)anonymous.StatusCode).IsEqualTo(401);
            await Assert.That(anonymous.Headers.WwwAuthenticate.ToString()).StartsWith("Digest realm=\"traefik\", nonce=\"");
        }
        var uri = new Uri(edge.WebUrl + "/digest/x?q=1");
        foreach (var (password, status) in new[] { ("wrong", 401), ("test", 200) })
        {
            using var client = new HttpClient(new HttpClientHandler { Credentials = new CredentialCache { { uri, "Digest", new NetworkCredential("test", password) } } });
            using var r = await client.GetAsync(uri);
            await Assert.That((int)r.StatusCode).IsEqualTo(status);
            if (status == 200)
                await Assert.That((string?)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["headers"]!["X-WebAuth-User"]).IsEqualTo("test");
        }
    }
}
