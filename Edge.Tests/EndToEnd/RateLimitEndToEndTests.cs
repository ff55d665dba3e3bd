using System.Text.Json.Nodes;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Traefik's rateLimit Middleware served through artifacts/edge from the CRD provider, referenced
/// from an Ingress annotation as a Traefik user writes it. Checked from outside: status codes,
/// Traefik's 429 headers and body, how many requests reached the backend, /api/rawdata.
/// </summary>
[NotInParallel("edge-e2e")]
public class RateLimitEndToEndTests
{
    private const string Annotation = "traefik.ingress.kubernetes.io/router.middlewares";

    private static JsonObject Middleware(string ns, string name, string spec) => K8s.Middleware(ns, name, spec);

    private static async Task<HttpResponseMessage> SendAs(DataPlaneFixture f, string client)
    {
        using var req = f.Get("app.example.com", "/limited");
        req.Headers.Add("X-Client", client);
        return await f.Edge.Http.SendAsync(req);
    }

    [Test]
    public async Task Burst_requests_pass_then_429_with_Traefik_headers_and_other_sources_keep_their_own_bucket()
    {
        const int burst = 3;
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            // One token a minute: nothing refills during the test, so exactly `burst` requests pass.
            api.UpsertJson(Middleware("default", "limit", """{"rateLimit":{"average":1,"period":"1m","burst":3,"sourceCriterion":{"requestHeaderName":"X-Client"}}}"""));
            api.Upsert(K8s.Ingress("default", "limited", "app.example.com", "/limited", "whoami", 80,
                annotations: new Dictionary<string, string> { [Annotation] = "default-limit@kubernetescrd" }));
        }, "--providers.kubernetescrd", "--providers.kubernetescrd.allowEmptyServices=true");
        // The probe has no X-Client header: it spends the tokens of source "", not of client a or b.
        await f.WaitForRouteAsync("app.example.com", "/limited");
        int before = f.BackendRequests;

        for (int i = 0; i < burst; i++)
        {
            using var ok = await SendAs(f, "a");
            await Assert.That((int)ok.StatusCode).IsEqualTo(200).Because($"request {i + 1} of a burst of {burst}");
        }
        using (var refused = await SendAs(f, "a"))
        {
            await Assert.That((int)refused.StatusCode).IsEqualTo(429);
            await Assert.That(refused.Headers.GetValues("Retry-After").Single()).IsEqualTo("60");
            await Assert.That(refused.Headers.GetValues("X-Retry-In").Single()).Matches(@"^(59\.\d+|60)s$");
            await Assert.That(await refused.Content.ReadAsStringAsync()).IsEqualTo("Too Many Requests");
        }
        await Assert.That(f.BackendRequests).IsEqualTo(before + burst).Because("the refused request never reaches the backend");

        using (var other = await SendAs(f, "b")) await Assert.That((int)other.StatusCode).IsEqualTo(200).Because("each source has its own bucket");
        await Assert.That(f.BackendRequests).IsEqualTo(before + burst + 1);

        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        var mw = raw["middlewares"]!["default-limit@kubernetescrd"]!;
        await Assert.That((string?)mw["status"]).IsEqualTo("enabled");
        await Assert.That(mw["rateLimit"]!.ToJsonString())
            .IsEqualTo("""{"average":1,"period":"1m0s","burst":3,"sourceCriterion":{"requestHeaderName":"X-Client"}}""");
    }
}
