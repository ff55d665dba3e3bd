using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// retry, circuitBreaker and buffering (and grpcWeb's acceptance) as Middleware CRDs through the
/// fake API server and artifacts/edge, used from Ingress annotations: a Service whose endpoints are
/// one refusing loopback address and one echo backend (retry reaches the echo, without retry some
/// requests are 502), a Service that only refuses (the breaker trips to 503), a body over the
/// buffering limit (413, the backend never sees it). The file-provider runs of the same middlewares
/// are in <see cref="ResilienceMiddlewareEndToEndTests"/>.
/// </summary>
[NotInParallel("edge-e2e")]
public class ResilienceCrdEndToEndTests
{
    private const string Annotation = "traefik.ingress.kubernetes.io/router.middlewares";
    private const string Host = "resilience.example.com";

    private static JsonObject Middleware(string name, string spec) => new()
    {
        ["apiVersion"] = "traefik.io/v1alpha1",
        ["kind"] = "Middleware",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = JsonNode.Parse(spec),
    };

    private static V1Ingress Routed(string name, string path, string service, string? middleware) =>
        K8s.Ingress("default", name, Host, path, service, 80,
            annotations: middleware is null ? null : new Dictionary<string, string> { [Annotation] = $"default-{middleware}@kubernetescrd" });

    private static async Task<(int Status, string Body)> SendAsync(DataPlaneFixture f, string path, string? body = null)
    {
        using var req = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, f.Edge.WebUrl + path) { Headers = { Host = Host } };
        if (body is not null) req.Content = new StringContent(body, Encoding.UTF8);
        using var r = await f.Edge.Http.SendAsync(req);
        return ((int)r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Retry_circuitBreaker_and_buffering_CRDs_behave_as_from_the_file_provider()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            // 127.0.0.4 and 127.0.0.5 are loopback addresses nobody listens on: connections are refused.
            api.Upsert(K8s.Service("default", "flaky", 80, "http"));
            api.Upsert(K8s.Slice("default", "flaky", port, "http", "127.0.0.4", "127.0.0.2"));
            api.Upsert(K8s.Service("default", "dead", 80, "http"));
            api.Upsert(K8s.Slice("default", "dead", port, "http", "127.0.0.5"));
            api.UpsertJson(Middleware("retry", """{"retry":{"attempts":3,"initialInterval":"10ms"}}"""));
            api.UpsertJson(Middleware("breaker", """{"circuitBreaker":{"expression":"NetworkErrorRatio() > 0.5","checkPeriod":"100ms","fallbackDuration":"30s"}}"""));
            api.UpsertJson(Middleware("limit", """{"buffering":{"maxRequestBodyBytes":10}}"""));
            api.UpsertJson(Middleware("web", """{"grpcWeb":{"allowOrigins":["*"]}}"""));
            api.Upsert(Routed("retried", "/retried", "flaky", "retry"));
            api.Upsert(Routed("plain", "/plain", "flaky", null));
            api.Upsert(Routed("broken", "/broken", "dead", "breaker"));
            api.Upsert(Routed("upload", "/upload", "whoami", "limit"));
            api.Upsert(Routed("grpc", "/grpc", "whoami", "web"));
        }, "--providers.kubernetescrd");
        await f.WaitForRouteAsync(Host, "/upload");

        // retry: every request reaches the echo backend; without it, the refusing address's turns are 502s.
        for (int i = 0; i < 4; i++)
        {
            var (status, body) = await SendAsync(f, "/retried/x", "body-" + i);
            await Assert.That(status).IsEqualTo(200).Because(body);
            await Assert.That((string?)JsonNode.Parse(body)!["backend"]).IsEqualTo("a");
        }
        var plain = new List<int>();
        for (int i = 0; i < 4; i++) plain.Add((await SendAsync(f, "/plain/x")).Status);
        await Assert.That(plain.Count(s => s == 502)).IsEqualTo(2).Because(string.Join(",", plain));

        // circuitBreaker: the first refusal is a 502; once the ratio is over 0.5 the breaker answers 503.
        await Assert.That((await SendAsync(f, "/broken")).Status).IsEqualTo(502);
        await Task.Delay(200);   // one checkPeriod: the breaker looks at the window again
        await Assert.That(await SendAsync(f, "/broken")).IsEqualTo((503, "Service Unavailable"));

        // buffering: 413 before anything is forwarded; within the limit the echo backend gets the body.
        int before = f.BackendRequests;
        await Assert.That(await SendAsync(f, "/upload", "01234567890")).IsEqualTo((413, "Maximum size 10 was reached"));
        await Assert.That(f.BackendRequests).IsEqualTo(before).Because("the refused body never reached a backend");
        await Assert.That(await SendAsync(f, "/upload", "0123456789")).IsEqualTo((200, "10")).Because("the echo backend's /upload counts the bytes it got");

        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!["middlewares"]!;
        foreach (var (name, type) in new[] { ("retry", "retry"), ("breaker", "circuitBreaker"), ("limit", "buffering"), ("web", "grpcWeb") })
        {
            var mw = raw[$"default-{name}@kubernetescrd"]!;
            await Assert.That((string?)mw["status"]).IsEqualTo("enabled").Because(mw.ToJsonString());
            await Assert.That(mw.AsObject().ContainsKey(type)).IsTrue().Because(mw.ToJsonString());
        }
    }
}
