using System.Text.Json.Nodes;
using Edge.Tests.DataPlane.Health;
using Edge.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// artifacts/edge with the file provider: a load balancer's active health check takes a server
/// that turns unhealthy out of the balancer (and /api/rawdata and /metrics say so), mirroring
/// sends copies of its share of requests to a mirror, and failover switches to the fallback
/// when the main service is down, and back.
/// </summary>
[NotInParallel("edge-e2e")]
public sealed class HealthCheckEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-health-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<EdgeProcess> StartAsync(string yaml)
    {
        var file = Path.Combine(_dir, "dynamic.yml");
        await System.IO.File.WriteAllTextAsync(file, yaml);
        return await EdgeProcess.StartAsync([$"--providers.file.filename={file}", "--providers.providersThrottleDuration=0s", "--metrics.prometheus=true"]);
    }

    private const string Host = "app.example.com";

    private static Task<(int Status, string Body)> SendAsync(EdgeProcess edge, string path, string? body = null) => edge.FetchAsync(Host, path, body);

    private static Task<(int Status, string Body)> WaitForAsync(EdgeProcess edge, Func<(int Status, string Body), bool> accept, string what) =>
        edge.WaitForAnswerAsync(Host, "/", accept, what);

    private const string Router = "  routers:\n    app:\n      rule: Host(`app.example.com`)\n      service: {0}\n";

    [Test]
    public async Task A_server_that_turns_unhealthy_stops_receiving_traffic_and_is_DOWN_in_rawdata_and_metrics()
    {
        await using var a = await HealthBackend.StartAsync("a");
        await using var b = await HealthBackend.StartAsync("b");
        await using var edge = await StartAsync("http:\n" + string.Format(Router, "app") + $$"""
              services:
                app:
                  loadBalancer:
                    servers: [{url: "{{a.Url}}"}, {url: "{{b.Url}}"}]
                    healthCheck: {path: /health, interval: 200ms, timeout: 1s}
            """);
        var answers = new List<string>();
        for (int i = 0; i < 4; i++) answers.Add((await SendAsync(edge, "/")).Body);
        await Assert.That(answers.Distinct().Order()).IsEquivalentTo(new[] { "a", "b" });
        var raw = await edge.RawDataAsync();
        await Assert.That((string?)raw["services"]!["app@file"]!["serverStatus"]![b.Url]).IsEqualTo("UP");
        await Assert.That((string?)raw["services"]!["app@file"]!["loadBalancer"]!["healthCheck"]!["interval"]).IsEqualTo("200ms");

        b.Healthy = false;
        await edge.WaitForRawDataJsonAsync(raw => (string?)raw["services"]!["app@file"]!["serverStatus"]![b.Url] == "DOWN");
        var trafficB = b.Traffic;
        for (int i = 0; i < 6; i++) await Assert.That((await SendAsync(edge, "/")).Body).IsEqualTo("a");
        await Assert.That(b.Traffic).IsEqualTo(trafficB).Because("a server found down gets no requests");
        var metrics = await edge.GetStringAsync("/metrics");
        await Assert.That(metrics).Contains($"traefik_service_server_up{{service=\"app@file\",url=\"{b.Url}\"}} 0");
        await Assert.That(metrics).Contains($"traefik_service_server_up{{service=\"app@file\",url=\"{a.Url}\"}} 1");

        a.Healthy = false;
        await WaitForAsync(edge, a => a.Status == 503, "never 503 with both down");
        await Assert.That((await SendAsync(edge, "/")).Body).IsEqualTo("no available server");

        b.Healthy = true;
        await WaitForAsync(edge, a => a.Body == "b", "b never came back");
        await Assert.That(await edge.GetStringAsync("/metrics")).Contains($"traefik_service_server_up{{service=\"app@file\",url=\"{b.Url}\"}} 1");
    }

    [Test]
    public async Task A_mirror_receives_its_percent_of_copies_with_the_body_and_a_broken_mirror_never_affects_the_client()
    {
        await using var main = await HealthBackend.StartAsync("main");
        await using var mirror = await LoopbackServer.StartAsync(ctx => ctx.Response.WriteAsync("mirror answer is dropped"));
        await using var edge = await StartAsync("http:\n" + string.Format(Router, "mirrored") + $$"""
              services:
                mirrored:
                  mirroring:
                    service: main
                    mirrors: [{name: copy, percent: 50}, {name: broken, percent: 100}]
                main:
                  loadBalancer: {servers: [{url: "{{main.Url}}"}]}
                copy:
                  loadBalancer: {servers: [{url: "{{mirror.Url}}"}]}
                broken:
                  loadBalancer: {servers: [{url: "http://127.0.0.1:1"}]}
            """);
        for (int i = 0; i < 10; i++)
        {
            var (status, body) = await SendAsync(edge, "/upload?n=" + i, "payload-" + i);
            await Assert.That(status).IsEqualTo(200);
            await Assert.That(body).IsEqualTo("main:payload-" + i).Because("the main service answers, with the whole body");
        }
        await Eventually.UntilAsync(() => mirror.Requests == 5, TimeSpan.FromSeconds(10), () => $"mirror got {mirror.Requests} copies, not 5:\n{edge.Output}");
        await Assert.That(mirror.LastBody).StartsWith("payload-").Because("mirrorBody defaults to true");
        await Assert.That(mirror.LastMethod).IsEqualTo("POST");
        await Assert.That(mirror.LastTarget!).StartsWith("/upload?n=");
        await Assert.That(main.Traffic).IsEqualTo(10);
        var raw = await edge.RawDataAsync();
        await Assert.That((string?)raw["routers"]!["app@file"]!["status"]).IsEqualTo("enabled");
        await Assert.That((bool?)raw["services"]!["mirrored@file"]!["mirroring"]!["mirrorBody"]).IsTrue();
    }

    [Test]
    public async Task Failover_switches_to_the_fallback_while_the_main_service_is_down_and_back()
    {
        await using var main = await HealthBackend.StartAsync("main");
        await using var spare = await HealthBackend.StartAsync("spare");
        await using var edge = await StartAsync("http:\n" + string.Format(Router, "fo") + $$"""
              services:
                fo:
                  failover: {service: main, fallback: spare}
                main:
                  loadBalancer:
                    servers: [{url: "{{main.Url}}"}]
                    healthCheck: {path: /health, interval: 200ms}
                spare:
                  loadBalancer: {servers: [{url: "{{spare.Url}}"}]}
            """);
        await Assert.That((await SendAsync(edge, "/")).Body).IsEqualTo("main");
        main.Healthy = false;
        await WaitForAsync(edge, a => a.Body == "spare", "never failed over");
        var mainTraffic = main.Traffic;
        for (int i = 0; i < 3; i++) await Assert.That((await SendAsync(edge, "/")).Body).IsEqualTo("spare");
        await Assert.That(main.Traffic).IsEqualTo(mainTraffic);
        main.Healthy = true;
        await WaitForAsync(edge, a => a.Body == "main", "never came back to main");
    }

    [Test]
    public async Task Failover_errors_send_the_request_again_to_the_fallback_when_the_main_answer_has_a_listed_status()
    {
        await using var main = await HealthBackend.StartAsync("main");
        await using var spare = await LoopbackServer.StartAsync(ctx => ctx.Response.WriteAsync("spare"));
        await using var edge = await StartAsync("http:\n" + string.Format(Router, "fo") + $$"""
              services:
                fo:
                  failover:
                    service: main
                    fallback: spare
                    errors: {status: ["500-599"], maxRequestBodyBytes: 16}
                main:
                  loadBalancer: {servers: [{url: "{{main.Url}}"}]}
                spare:
                  loadBalancer: {servers: [{url: "{{spare.Url}}"}]}
            """);
        await Assert.That(await SendAsync(edge, "/status/404")).IsEqualTo((404, "main")).Because("404 is not listed: the main answer is sent");
        await Assert.That(await SendAsync(edge, "/status/502", "again")).IsEqualTo((200, "spare"));
        await Assert.That(spare.LastBody).IsEqualTo("again").Because("the kept body is sent again to the fallback");
        await Assert.That(spare.LastTarget).IsEqualTo("/status/502");
        await Assert.That((await SendAsync(edge, "/status/502", "a body longer than sixteen bytes")).Status).IsEqualTo(413);
    }
}
