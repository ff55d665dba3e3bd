using System.Text.Json.Nodes;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The path a request is routed on is the path that is forwarded: dot segments and encoded dots
/// cannot route a request as "/public/..." and deliver it to the backend as "/admin".
/// </summary>
[NotInParallel("edge-e2e")]
public class PathTrickEndToEndTests
{
    /// <summary>Sends the target byte for byte (no client-side dot-segment removal).</summary>
    private static async Task<(int Status, string Body)> Raw(EdgeProcess edge, string target)
    {
        var uri = new Uri(edge.WebUrl + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var req = new HttpRequestMessage(HttpMethod.Get, uri) { Headers = { Host = "app.example.com" } };
        using var r = await edge.Http.SendAsync(req);
        return ((int)r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    [Test]
    [Arguments("/public/../admin")]
    [Arguments("/public/%2e%2e/admin")]
    [Arguments("/public/%2E%2E/admin")]
    [Arguments("/public/./../admin")]
    [Arguments("/%61dmin")]
    public async Task Dot_segments_cannot_bypass_a_path_rule(string target)
    {
        await using var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            // /admin goes to backend "a" only; everything else to "b".
            api.Upsert(K8s.Service("default", "admin", 80, "http"));
            api.Upsert(K8s.Slice("default", "admin", port, "http", "127.0.0.2"));
            api.Upsert(K8s.Service("default", "public", 80, "http"));
            api.Upsert(K8s.Slice("default", "public", port, "http", "127.0.0.3"));
            api.Upsert(K8s.Ingress("default", "admin", "app.example.com", "/admin", "admin", 80, pathType: "Exact"));
            api.Upsert(K8s.Ingress("default", "public", "app.example.com", "/public", "public", 80));
        });
        await f.WaitForRouteAsync("app.example.com", "/admin");
        var (status, text) = await Raw(f.Edge, target);
        if (status != 200)
        {
            // Rejected or not routed: nothing reached a backend, which is safe.
            await Assert.That(status).IsIn(400, 404);
            return;
        }
        var body = JsonNode.Parse(text)!;
        var backend = (string)body["backend"]!;
        var seen = (string)body["target"]!;
        var normalized = Uri.UnescapeDataString(new Uri("http://x" + seen).AbsolutePath);
        // Whatever the backend sees, it was routed by that same path.
        if (normalized == "/admin") await Assert.That(backend).IsEqualTo("a");
        else await Assert.That(backend).IsEqualTo("b");
    }
}
