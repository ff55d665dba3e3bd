using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The path a request is routed on is the path that is forwarded. Each raw target is sent byte for
/// byte over a socket; the expected answer is pinned per case: the status, which backend answered
/// ("a" serves Exact /admin, "b" PathPrefix /public, "d" PathPrefix /x) and
/// the target that backend received, and for a rejection that no backend saw the request.
/// </summary>
[NotInParallel("edge-e2e")]
public class PathTrickEndToEndTests
{
    private static async Task<DataPlaneFixture> StartAsync(params string[] args)
    {
        var d = await EchoBackend.StartAsync("d", "127.0.0.5");
        var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            api.Upsert(K8s.Service("default", "admin", 80, "http"));
            api.Upsert(K8s.Slice("default", "admin", port, "http", "127.0.0.2"));
            api.Upsert(K8s.Service("default", "public", 80, "http"));
            api.Upsert(K8s.Slice("default", "public", port, "http", "127.0.0.3"));
            api.Upsert(K8s.Service("default", "fallback", 80, "http"));
            api.Upsert(K8s.Slice("default", "fallback", d.Port, "http", "127.0.0.5"));
            api.Upsert(K8s.Ingress("default", "admin", "app.example.com", "/admin", "admin", 80, pathType: "Exact"));
            api.Upsert(K8s.Ingress("default", "public", "app.example.com", "/public", "public", 80));
            api.Upsert(K8s.Ingress("default", "fallback", "app.example.com", "/x", "fallback", 80));
        }, args);
        f.Extra.Add(d);
        try
        {
            await f.WaitForRouteAsync("app.example.com", "/admin");
            await f.WaitForRouteAsync("app.example.com", "/public");
        }
        catch { await f.DisposeAsync(); throw; }
        return f;
    }

    private static async Task<(int Status, string? Backend, string? Target)> Send(DataPlaneFixture f, string target)
    {
        var response = await RawHttp.SendAsync(f.Edge.WebPort, $"GET {target} HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n");
        int status = RawHttp.Status(response);
        if (status != 200) return (status, null, null);
        var body = JsonNode.Parse(RawHttp.Body(response))!;
        return (status, (string?)body["backend"], (string?)body["target"]);
    }

    /// <summary>Default entry point options: Edge rejects the seven encoded characters and sanitizes paths.</summary>
    [Test]
    [Arguments("/public/../admin", 200, "a", "/admin")]
    [Arguments("/public/%2e%2e/admin", 200, "a", "/admin")]
    [Arguments("/public/%2E%2E/admin", 200, "a", "/admin")]
    [Arguments("/public/./../admin", 200, "a", "/admin")]
    [Arguments("/%61dmin", 200, "a", "/admin")]
    [Arguments("/public//../admin", 200, "a", "/admin")]
    [Arguments("/public//x", 200, "b", "/public/x")]
    [Arguments("/public/%7euser", 200, "b", "/public/~user")]
    [Arguments("/public/a%2cb", 200, "b", "/public/a%2Cb")]
    [Arguments("/public/caf%c3%a9?q=%2F", 200, "b", "/public/caf%C3%A9?q=%2F")]
    [Arguments("/public/x/..", 200, "b", "/public")]
    [Arguments("/admin/", 404, null, null)]
    [Arguments("/public/../x", 200, "d", "/x")]
    [Arguments("/public/%2e%2e%2fadmin", 400, null, null)]
    [Arguments("/public\\..\\admin/secret", 400, null, null)]
    [Arguments("/public/..%2fadmin", 400, null, null)]
    [Arguments("/public/..%2Fadmin", 400, null, null)]
    [Arguments("/public/%5c../admin", 400, null, null)]
    [Arguments("/public/%5C../admin", 400, null, null)]
    [Arguments("/public/%00", 400, null, null)]
    [Arguments("/public/%3b", 400, null, null)]
    [Arguments("/public/%3B", 400, null, null)]
    [Arguments("/public/%25", 400, null, null)]
    [Arguments("/public/%3f", 400, null, null)]
    [Arguments("/public/%23", 400, null, null)]
    [Arguments("/public/#frag", 400, null, null)]
    [Arguments("/public/%zz", 400, null, null)]
    public async Task Routing_and_forwarding_see_one_path(string target, int status, string? backend, string? seen)
    {
        await using var f = await StartAsync();
        int before = f.BackendRequests;
        var (s, b, t) = await Send(f, target);
        await Assert.That(s).IsEqualTo(status).Because(target);
        await Assert.That(b).IsEqualTo(backend).Because(target);
        await Assert.That(t).IsEqualTo(seen).Because(target);
        await Assert.That(f.BackendRequests).IsEqualTo(before + (status == 200 ? 1 : 0)).Because(target + ": backend request count");
    }

    /// <summary>An entry point that allows an encoded character routes and forwards it encoded, upper-cased.</summary>
    [Test]
    public async Task Allowed_encoded_slash_stays_encoded_for_routing_and_forwarding()
    {
        await using var f = await StartAsync("--entryPoints.web.http.encodedCharacters.allowEncodedSlash=true");
        var (s, b, t) = await Send(f, "/public/..%2fadmin");
        await Assert.That(s).IsEqualTo(200);
        await Assert.That(b).IsEqualTo("b");
        await Assert.That(t).IsEqualTo("/public/..%2Fadmin");
        var (s2, _, _) = await Send(f, "/public/%3b");
        await Assert.That(s2).IsEqualTo(400).Because("only the slash was allowed");
    }

    /// <summary>sanitizePath=false keeps dot segments in both the routed and the forwarded path (Traefik's option).</summary>
    [Test]
    public async Task Without_sanitizePath_dot_segments_are_routed_and_forwarded_as_sent()
    {
        await using var f = await StartAsync("--entryPoints.web.http.sanitizePath=false");
        var (s, b, t) = await Send(f, "/public/../admin");
        await Assert.That(s).IsEqualTo(200);
        await Assert.That(b).IsEqualTo("b");
        await Assert.That(t).IsEqualTo("/public/../admin");
    }
}
