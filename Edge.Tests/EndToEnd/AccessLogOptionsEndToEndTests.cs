using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// README access-log options checked on the files artifacts/edge writes: per-namespace files
/// (unrouted requests stay in the main log, SIGUSR1 reopens them) and fields.defaultMode=drop.
/// </summary>
[NotInParallel("edge-e2e")]
public class AccessLogOptionsEndToEndTests
{
    private static async Task<DataPlaneFixture> StartAsync(params string[] args)
    {
        var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/api", "whoami", 80));
            // The echo backend's /upload reads the whole request body before it answers.
            api.Upsert(K8s.Ingress("default", "upload", "app.example.com", "/upload", "whoami", 80, pathType: "Exact"));
        }, ["--accesslog=true", .. args]);
        await f.WaitForRouteAsync("app.example.com", "/api");
        return f;
    }

    /// <summary>The file's lines now; none while it does not exist. Opened as logrotate would leave it open.</summary>
    private static string[] Lines(string path)
    {
        if (!File.Exists(path)) return [];
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(fs).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static Task WaitForLineAsync(string path, string contains) =>
        Eventually.UntilAsync(() => Lines(path).Any(l => l.Contains(contains)), TimeSpan.FromSeconds(10), $"a line with {contains} in {path}");

    private static string TempDir() => Directory.CreateTempSubdirectory("edge-accesslog-").FullName;

    /// <param name="tenancy">The README promises this in both columns: Edge's default and --tenancy.enabled.</param>
    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Unrouted_requests_stay_in_the_main_log_with_per_namespace_dir(bool tenancy)
    {
        var root = TempDir();
        var dir = Path.Combine(root, "ns");
        var main = Path.Combine(root, "main.log");
        try
        {
            string[] mode = tenancy ? ["--tenancy.enabled=true"] : [];
            await using var f = await StartAsync([$"--accesslog.perNamespaceDir={dir}", $"--accesslog.filePath={main}", .. mode]);
            using (var r = await f.SendAsync("app.example.com", "/api/routed")) await Assert.That((int)r.StatusCode).IsEqualTo(200);
            var nsLog = Path.Combine(dir, "default.log");
            await WaitForLineAsync(nsLog, "/api/routed");
            using (var r = await f.SendAsync("nowhere.example.com", "/unrouted")) await Assert.That((int)r.StatusCode).IsEqualTo(404);
            await WaitForLineAsync(main, "/unrouted");

            // One writer drains the queue in order: once the 404's line is in the main log, every
            // earlier line has been written wherever it went.
            await Assert.That(Lines(main).Single(l => l.Contains("/unrouted"))).Contains("\"GET /unrouted HTTP/1.1\" 404");
            await Assert.That(Lines(main).Any(l => l.Contains("/api/"))).IsFalse();
            foreach (var file in Directory.GetFiles(dir))
                await Assert.That(Lines(file).Any(l => l.Contains("/unrouted"))).IsFalse().Because(file);
            await Assert.That(Directory.GetFiles(dir).Select(p => Path.GetFileName(p)).ToArray()).IsEquivalentTo(["default.log"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task Sigusr1_reopens_the_per_namespace_files_after_rotation()
    {
        var root = TempDir();
        var dir = Path.Combine(root, "ns");
        var main = Path.Combine(root, "main.log");
        var nsLog = Path.Combine(dir, "default.log");
        try
        {
            await using var f = await StartAsync($"--accesslog.perNamespaceDir={dir}", $"--accesslog.filePath={main}");
            using (await f.SendAsync("app.example.com", "/api/before")) { }
            await WaitForLineAsync(nsLog, "/api/before");

            // logrotate moves every file away, then signals.
            File.Move(nsLog, nsLog + ".1");
            File.Move(main, main + ".1");
            Signals.User1(f.Edge.Pid);
            // The writer reopens the main file and closes the namespace files in one step before it
            // takes the next entry: once the new main file exists, the next line opens a new DIR/default.log.
            await Eventually.UntilAsync(() => File.Exists(main), TimeSpan.FromSeconds(10), "the main log reopened after SIGUSR1");
            using (var r = await f.SendAsync("app.example.com", "/api/after")) await Assert.That((int)r.StatusCode).IsEqualTo(200);
            await WaitForLineAsync(nsLog, "/api/after");

            var rotated = Lines(nsLog + ".1");
            await Assert.That(rotated.Any(l => l.Contains("/api/before"))).IsTrue();
            await Assert.That(rotated.Any(l => l.Contains("/api/after"))).IsFalse();
            await Assert.That(Lines(nsLog).Any(l => l.Contains("/api/before"))).IsFalse();
            await Assert.That(f.Edge.HasExited).IsFalse();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task Fields_default_mode_drop_keeps_only_the_named_fields()
    {
        var root = TempDir();
        var file = Path.Combine(root, "access.log");
        try
        {
            await using var f = await StartAsync($"--accesslog.filePath={file}", "--accesslog.format=json",
                "--accesslog.fields.defaultMode=drop", "--accesslog.fields.names.RequestPath=keep",
                "--accesslog.fields.names.DownstreamStatus=keep", "--accesslog.fields.names.ClientHost=drop");
            using (var req = f.Get("app.example.com", "/api/kept"))
            {
                req.Headers.Add("X-Secret", "header-value");
                using var r = await f.Edge.Http.SendAsync(req);
                await Assert.That((int)r.StatusCode).IsEqualTo(200);
            }
            await WaitForLineAsync(file, "/api/kept");
            var line = Lines(file).Single(l => l.Contains("/api/kept"));
            var j = JsonNode.Parse(line)!.AsObject();
            // level, msg and time are the log record's own (logrus adds them in Traefik too), not access-log fields.
            await Assert.That(j.Select(p => p.Key)).IsEquivalentTo(["RequestPath", "DownstreamStatus", "level", "msg", "time"]).Because(line);
            await Assert.That((string)j["RequestPath"]!).IsEqualTo("/api/kept");
            await Assert.That((int)j["DownstreamStatus"]!).IsEqualTo(200);
            await Assert.That(line).DoesNotContain("header-value");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <param name="chunked">Traefik's RequestContentSize is the body bytes read: a chunked body counts too.</param>
    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Request_content_size_is_the_body_size(bool chunked)
    {
        var root = TempDir();
        var file = Path.Combine(root, "access.log");
        try
        {
            await using var f = await StartAsync($"--accesslog.filePath={file}", "--accesslog.format=json");
            const int size = 5_000;
            using (var post = new HttpRequestMessage(HttpMethod.Post, f.Edge.WebUrl + "/upload?size-test")
            {
                Headers = { Host = "app.example.com" },
                Content = chunked ? new ChunkedContent(new byte[size]) : new ByteArrayContent(new byte[size]),
            })
            using (var r = await f.Edge.Http.SendAsync(post))
                await Assert.That((int)r.StatusCode).IsEqualTo(200);
            await WaitForLineAsync(file, "/upload?size-test");
            var j = JsonNode.Parse(Lines(file).Single(l => l.Contains("/upload?size-test")))!;
            await Assert.That((long)j["RequestContentSize"]!).IsEqualTo(size);
            await Assert.That((string)j["RequestMethod"]!).IsEqualTo("POST");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
