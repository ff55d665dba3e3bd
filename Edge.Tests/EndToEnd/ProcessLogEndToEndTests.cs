using System.Text.Json;
using System.Text.Json.Nodes;

namespace Edge.Tests.EndToEnd;

/// <summary>README "Process log": <c>--log.format=json</c> makes every line of artifacts/edge's own log a JSON object.</summary>
[NotInParallel("edge-e2e")]
public class ProcessLogEndToEndTests
{
    [Test]
    public async Task Log_format_json_writes_one_json_object_per_line()
    {
        var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/api", "whoami", 80)), "--log.format=json");
        string output;
        await using (f)
        {
            await f.WaitForRouteAsync("app.example.com", "/api");
            using (await f.SendAsync("app.example.com", "/api/x")) { }
            await f.Edge.StopAsync();   // the shutdown lines too
            output = f.Edge.Output;
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The fixture runs at DEBUG: start-up, the provider's lists, readiness and shutdown are all logged.
        await Assert.That(lines.Length).IsGreaterThanOrEqualTo(4).Because(output);
        var records = new List<JsonObject>();
        foreach (var line in lines)
        {
            JsonObject? o = null;
            try { o = JsonNode.Parse(line) as JsonObject; } catch (JsonException) { }
            await Assert.That(o).IsNotNull().Because("not a JSON object: " + line);
            // Traefik v3 logs with zerolog: level, time and message.
            await Assert.That((string?)o!["level"]).IsNotNull().And.IsNotEmpty().Because(line);
            await Assert.That(new[] { "trace", "debug", "info", "warn", "error", "fatal" }).Contains((string)o["level"]!);
            await Assert.That(o["message"]?.GetValueKind()).IsEqualTo(JsonValueKind.String).Because(line);
            await Assert.That(DateTimeOffset.TryParse((string?)o["time"], out _)).IsTrue().Because(line);
            records.Add(o);
        }
        var started = records.Single(r => (string)r["message"]! == "Edge started");
        await Assert.That((string)started["level"]!).IsEqualTo("info");
        await Assert.That((string?)started["entryPoints"]).Contains("web=127.0.0.1:" + f.Edge.WebPort);
        await Assert.That(records.Any(r => (string)r["message"]! == "Shutting down")).IsTrue();
        await Assert.That(records.Any(r => (string)r["level"]! == "debug")).IsTrue();
    }

    [Test]
    public async Task Log_filePath_sends_the_log_to_the_file_instead_of_stdout()
    {
        var dir = Directory.CreateTempSubdirectory("edge-processlog-").FullName;
        var file = Path.Combine(dir, "nested", "edge.log");
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/api", "whoami", 80)), $"--log.filePath={file}", "--log.maxSize=1");
        await f.WaitForRouteAsync("app.example.com", "/api");
        await Tests.Support.Eventually.UntilAsync(() => File.Exists(file) && ReadShared(file).Contains("Edge started"),
            TimeSpan.FromSeconds(10), () => "no 'Edge started' in " + file);
        await Assert.That(f.Edge.Output).DoesNotContain("Edge started").Because("stdout carries no log lines once log.filePath is set");
    }

    private static string ReadShared(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(fs).ReadToEnd();
    }
}
