using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>Access-log lines written by artifacts/edge for real requests, in both of Traefik's formats.</summary>
[NotInParallel("edge-e2e")]
public class AccessLogEndToEndTests
{
    private static string TempLog() => Path.Combine(Path.GetTempPath(), "edge-access-" + Guid.NewGuid().ToString("N") + ".log");

    private static async Task<DataPlaneFixture> StartAsync(string file, params string[] extra)
    {
        var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/api", "whoami", 80)),
            ["--accesslog=true", "--accesslog.filePath=" + file, .. extra]);
        await f.WaitForRouteAsync("app.example.com", "/api");
        return f;
    }

    /// <summary>Waits until the file has a line satisfying <paramref name="match"/>.</summary>
    private static async Task<string> WaitForLineAsync(string file, Func<string, bool> match) =>
        (await Eventually.UntilAsync(async () =>
        {
            if (!File.Exists(file)) return null;
            using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return (await new StreamReader(fs).ReadToEndAsync()).Split('\n').FirstOrDefault(match);
        }, line => line is not null, TimeSpan.FromSeconds(10), _ => $"no matching line in {file}"))!;

    [Test]
    public async Task Common_format_line_has_traefiks_fields()
    {
        var file = TempLog();
        await using (var f = await StartAsync(file))
        {
            using var req = f.Get("app.example.com", "/api/clf?q=1");
            req.Headers.Add("User-Agent", "clf-test/1.0");
            req.Headers.Add("Referer", "http://ref.example/");
            using (var r = await f.Edge.Http.SendAsync(req)) await Assert.That((int)r.StatusCode).IsEqualTo(200);
            var line = await WaitForLineAsync(file, l => l.Contains("/api/clf"));
            var m = Regex.Match(line, "^(\\S+) - (\\S+) \\[(\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})\\] \"(\\S+) (\\S+) (\\S+)\" (\\d{3}) (\\d+) \"([^\"]*)\" \"([^\"]*)\" (\\d+) \"([^\"]*)\" \"([^\"]*)\" (\\d+)ms$");
            await Assert.That(m.Success).IsTrue().Because(line);
            await Assert.That(m.Groups[1].Value).IsEqualTo("127.0.0.1");
            await Assert.That(m.Groups[2].Value).IsEqualTo("-");
            await Assert.That(m.Groups[4].Value).IsEqualTo("GET");
            await Assert.That(m.Groups[5].Value).IsEqualTo("/api/clf?q=1");
            await Assert.That(m.Groups[6].Value).IsEqualTo("HTTP/1.1");
            await Assert.That(m.Groups[7].Value).IsEqualTo("200");
            await Assert.That(long.Parse(m.Groups[8].Value)).IsGreaterThan(20);
            await Assert.That(m.Groups[9].Value).IsEqualTo("http://ref.example/");
            await Assert.That(m.Groups[10].Value).IsEqualTo("clf-test/1.0");
            await Assert.That(m.Groups[12].Value).StartsWith("default-app-").And.EndsWith("@kubernetes");
            await Assert.That(m.Groups[13].Value).Matches("^http://127\\.0\\.0\\.[23]:\\d+$");
            // No per-request line in the process log at the default level.
            await Assert.That(f.Edge.Output).DoesNotContain("/api/clf");
        }
        File.Delete(file);
    }

    [Test]
    public async Task Json_format_has_traefiks_field_names_and_redacts_headers()
    {
        var file = TempLog();
        await using (var f = await StartAsync(file, "--accesslog.format=json", "--accesslog.fields.headers.defaultMode=keep",
            "--accesslog.fields.headers.names.Authorization=redact", "--accesslog.fields.headers.names.X-Drop-Me=drop",
            "--accesslog.fields.names.ClientPort=drop"))
        {
            using var req = f.Get("app.example.com", "/api/json");
            req.Headers.Add("Authorization", "Bearer secret-token");
            req.Headers.Add("X-Drop-Me", "gone");
            req.Headers.Add("X-Keep-Me", "kept");
            using (var r = await f.Edge.Http.SendAsync(req)) await Assert.That((int)r.StatusCode).IsEqualTo(200);
            var line = await WaitForLineAsync(file, l => l.Contains("/api/json"));
            await Assert.That(line).DoesNotContain("secret-token");
            var j = JsonNode.Parse(line)!.AsObject();
            await Assert.That((string)j["request_Authorization"]!).IsEqualTo("REDACTED");
            await Assert.That((string)j["request_X-Keep-Me"]!).IsEqualTo("kept");
            await Assert.That(j.ContainsKey("request_X-Drop-Me")).IsFalse();
            await Assert.That(j.ContainsKey("ClientPort")).IsFalse();
            await Assert.That((string)j["ClientHost"]!).IsEqualTo("127.0.0.1");
            await Assert.That((int)j["DownstreamStatus"]!).IsEqualTo(200);
            await Assert.That((int)j["OriginStatus"]!).IsEqualTo(200);
            await Assert.That((long)j["Duration"]!).IsGreaterThan(0);
            await Assert.That((long)j["Duration"]!).IsGreaterThanOrEqualTo((long)j["OriginDuration"]!);
            await Assert.That((string)j["RequestMethod"]!).IsEqualTo("GET");
            await Assert.That((string)j["RequestPath"]!).IsEqualTo("/api/json");
            await Assert.That((string)j["RequestHost"]!).IsEqualTo("app.example.com");
            await Assert.That((string)j["RequestProtocol"]!).IsEqualTo("HTTP/1.1");
            await Assert.That((string)j["RouterName"]!).StartsWith("default-app-");
            await Assert.That((string)j["ServiceName"]!).IsEqualTo("default-whoami-80@kubernetes");
            await Assert.That((string)j["entryPointName"]!).IsEqualTo("web");
            await Assert.That((string)j["level"]!).IsEqualTo("info");
            await Assert.That(DateTimeOffset.Parse((string)j["StartUTC"]!)).IsGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-2));
        }
        File.Delete(file);
    }

    [Test]
    public async Task Json_format_has_the_tls_version_and_cipher_of_a_tls_request_and_none_for_plain_http()
    {
        var file = TempLog();
        var cert = TlsEndToEndTests.SelfSigned("secure.example.com", "secure.example.com");
        await using (var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/api", "whoami", 80));
            api.Upsert(TlsEndToEndTests.TlsSecret("default", "secure-cert", cert));
            api.Upsert(K8s.Ingress("default", "secure", "secure.example.com", "/", "whoami", 80, secret: "secure-cert",
                annotations: new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.tls"] = "true" }));
        }, ["--accesslog=true", "--accesslog.filePath=" + file, "--accesslog.format=json"]))
        {
            await f.WaitForRouteAsync("app.example.com", "/api");
            var (r, _) = await Eventually.UntilAsync(() => TlsEndToEndTests.GetAsync(f.Edge.WebPort, "secure.example.com", "/tls-line"),
                r => r.Response.StatusCode == System.Net.HttpStatusCode.OK, TimeSpan.FromSeconds(10), r => $"secure.example.com answered {r.Response.StatusCode}");
            r.Dispose();
            using (await f.SendAsync("app.example.com", "/api/plain-line")) { }
            var tls = JsonNode.Parse(await WaitForLineAsync(file, l => l.Contains("/tls-line")))!.AsObject();
            await Assert.That((string)tls["TLSVersion"]!).IsEqualTo("1.3");
            await Assert.That((string)tls["TLSCipher"]!).Matches("^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$");
            await Assert.That(tls.ContainsKey("TLSClientSubject")).IsFalse();   // no client certificate was asked for
            await Assert.That((string)tls["RequestScheme"]!).IsEqualTo("https");
            var plain = JsonNode.Parse(await WaitForLineAsync(file, l => l.Contains("/api/plain-line")))!.AsObject();
            await Assert.That(plain.ContainsKey("TLSVersion")).IsFalse();
            await Assert.That(plain.ContainsKey("TLSCipher")).IsFalse();
        }
        File.Delete(file);
    }

    [Test]
    public async Task Sigusr1_reopens_the_file_after_rotation()
    {
        var file = TempLog();
        var rotated = file + ".1";
        await using (var f = await StartAsync(file))
        {
            using (await f.SendAsync("app.example.com", "/api/before")) { }
            await WaitForLineAsync(file, l => l.Contains("/api/before"));
            File.Move(file, rotated);
            Signals.User1(f.Edge.Pid);
            await Eventually.UntilAsync(() => File.Exists(file), TimeSpan.FromSeconds(5), () => $"{file} not reopened after SIGUSR1");
            using (await f.SendAsync("app.example.com", "/api/after")) { }
            await WaitForLineAsync(file, l => l.Contains("/api/after"));
            var old = await File.ReadAllTextAsync(rotated);
            await Assert.That(old).Contains("/api/before");
            await Assert.That(old).DoesNotContain("/api/after");
            await Assert.That(f.Edge.HasExited).IsFalse();
        }
        File.Delete(file);
        File.Delete(rotated);
    }
}
