using System.IO.Compression;
using System.Text.Json.Nodes;
using Edge.Tests.Support;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// compress, forwardAuth and errors Middleware objects served through artifacts/edge from the CRD
/// provider, referenced from Ingress annotations. Checked from outside: the encoded body, what
/// the loopback auth server and the echo backend received, the error page in place of a 503.
/// </summary>
[NotInParallel("edge-e2e")]
public class ResponseMiddlewareEndToEndTests
{
    private const string Annotation = "traefik.ingress.kubernetes.io/router.middlewares";

    private static JsonObject Middleware(string name, string spec) => K8s.Middleware("default", name, spec);

    private static V1Ingress Routed(string name, string path, string middleware, string service = "whoami") =>
        K8s.Ingress("default", name, "app.example.com", path, service, 80, annotations: new Dictionary<string, string> { [Annotation] = middleware });

    [Test]
    public async Task Compress_forwardAuth_and_errors_as_a_client_sees_them()
    {
        await using var auth = await LoopbackServer.StartAsync(async ctx =>
        {
            if (ctx.Request.Headers.Authorization == "Bearer ok")
            {
                ctx.Response.Headers["X-User"] = "alice";
                return;
            }
            ctx.Response.StatusCode = 401;
            ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"edge\"";
            await ctx.Response.WriteAsync("who are you?");
        });
        await using var broken = await LoopbackServer.StartAsync(ctx => { ctx.Response.StatusCode = 503; return ctx.Response.WriteAsync("raw failure"); });
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.UpsertJson(Middleware("gz", """{"compress":{"minResponseBodyBytes":10}}"""));
            api.UpsertJson(Middleware("auth", """{"forwardAuth":{"address":"AUTH/verify","authResponseHeaders":["X-User"],"trustForwardHeader":false}}""".Replace("AUTH", auth.Url)));
            api.UpsertJson(Middleware("pages", """{"errors":{"status":["500-599"],"query":"/oops/{status}?was={originalStatus}","service":{"name":"whoami","port":80},"statusRewrites":{"503":502}}}"""));
            api.Upsert(K8s.Service("default", "broken", 80, "http"));
            api.Upsert(K8s.Slice("default", "broken", broken.Port, "http", "127.0.0.1"));
            api.Upsert(Routed("zipped", "/zipped", "default-gz@kubernetescrd"));
            api.Upsert(Routed("guarded", "/guarded", "default-auth@kubernetescrd"));
            api.Upsert(Routed("failing", "/failing", "default-pages@kubernetescrd", "broken"));
        }, "--providers.kubernetescrd", "--providers.kubernetescrd.allowEmptyServices=true");

        // compress: gzip negotiated, the echo's JSON comes back encoded.
        await f.WaitForRouteAsync("app.example.com", "/zipped");
        using (var req = f.Get("app.example.com", "/zipped/x"))
        {
            req.Headers.TryAddWithoutValidation("Accept-Encoding", "br;q=0.5, gzip");
            using var r = await f.Edge.Http.SendAsync(req);
            await Assert.That(r.Content.Headers.ContentEncoding.ToString()).IsEqualTo("gzip");
            await Assert.That(r.Headers.Vary.ToString()).Contains("Accept-Encoding");
            await using var gz = new GZipStream(await r.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
            var seen = JsonNode.Parse(await new StreamReader(gz).ReadToEndAsync())!;
            await Assert.That((string?)seen["target"]).IsEqualTo("/zipped/x");
        }
        // zstd (Traefik's default encodings are gzip, br, zstd) through the AOT binary.
        using (var req = f.Get("app.example.com", "/zipped/z"))
        {
            req.Headers.TryAddWithoutValidation("Accept-Encoding", "zstd");
            using var r = await f.Edge.Http.SendAsync(req);
            await Assert.That(r.Content.Headers.ContentEncoding.ToString()).IsEqualTo("zstd");
            await using var zstd = new ZstdSharp.DecompressionStream(await r.Content.ReadAsStreamAsync());
            var seen = JsonNode.Parse(await new StreamReader(zstd).ReadToEndAsync())!;
            await Assert.That((string?)seen["target"]).IsEqualTo("/zipped/z");
        }

        // forwardAuth: the auth server's 401 reaches the client as is; with the token the backend sees X-User.
        await f.WaitForRouteAsync("app.example.com", "/guarded");
        int before = f.BackendRequests;
        using (var r = await f.SendAsync("app.example.com", "/guarded/page?q=1"))
        {
            await Assert.That((int)r.StatusCode).IsEqualTo(401);
            await Assert.That(r.Headers.WwwAuthenticate.ToString()).IsEqualTo("Bearer realm=\"edge\"");
            await Assert.That(await r.Content.ReadAsStringAsync()).IsEqualTo("who are you?");
        }
        await Assert.That(f.BackendRequests).IsEqualTo(before).Because("a refused request never reaches the backend");
        await Assert.That(auth.LastTarget).IsEqualTo("/verify");
        await Assert.That(auth.LastHeaders["X-Forwarded-Uri"]).IsEqualTo("/guarded/page?q=1");
        await Assert.That(auth.LastHeaders["X-Forwarded-Method"]).IsEqualTo("GET");
        await Assert.That(auth.LastHeaders["X-Forwarded-Host"]).IsEqualTo("app.example.com");
        using (var req = f.Get("app.example.com", "/guarded/page"))
        {
            req.Headers.TryAddWithoutValidation("Authorization", "Bearer ok");
            req.Headers.TryAddWithoutValidation("X-User", "mallory");
            using var r = await f.Edge.Http.SendAsync(req);
            await Assert.That((int)r.StatusCode).IsEqualTo(200);
            var seen = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
            await Assert.That((string?)seen["headers"]!["X-User"]).IsEqualTo("alice");
        }

        // errors: the broken backend's 503 is replaced by the page service's answer, rewritten to 502.
        await f.Edge.WaitForStatusAsync("app.example.com", "/failing", 502);
        using (var r = await f.SendAsync("app.example.com", "/failing/thing"))
        {
            await Assert.That((int)r.StatusCode).IsEqualTo(502);
            var seen = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
            await Assert.That((string?)seen["target"]).IsEqualTo("/oops/502?was=503");
            await Assert.That((string?)seen["method"]).IsEqualTo("GET");
        }
        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        await Assert.That((string?)raw["middlewares"]!["default-pages@kubernetescrd"]!["errors"]!["service"]).IsEqualTo("default-pages-errorpage-service");
        await Assert.That((string?)raw["middlewares"]!["default-auth@kubernetescrd"]!["status"]).IsEqualTo("enabled");
    }
}
