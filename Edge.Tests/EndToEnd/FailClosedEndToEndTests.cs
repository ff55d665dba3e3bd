using System.Text.Json.Nodes;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// A router whose middleware, TLS options or servers transport cannot be resolved is not served
/// (404, as in Traefik), /api/rawdata shows it disabled with Traefik's error text, and the log
/// names the Ingress. Nothing defines the objects referenced here, so every such reference is
/// unresolvable; the router beside it keeps serving. Missing TLS options also refuse the TLS
/// handshake for the router's host, as Traefik's brokenTLSRouter does.
/// </summary>
[NotInParallel("edge-e2e")]
public class FailClosedEndToEndTests
{
    private const string Prefix = "traefik.ingress.kubernetes.io/";

    public static IEnumerable<(string Case, string Error)> Cases() =>
    [
        ("router.middlewares", "middleware \"default-auth@kubernetescrd\" does not exist"),
        ("router.middlewares unqualified", "middleware \"auth@kubernetes\" does not exist"),
        ("router.tls.options", "unknown TLS options: default-strict@kubernetescrd"),
        ("service.serverstransport", "servers transport not found default-mtls@kubernetescrd"),
    ];

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Unresolvable_reference_puts_the_router_in_error_and_it_is_not_served((string Case, string Error) c)
    {
        Dictionary<string, string>? ingressAnnotations = c.Case switch
        {
            "router.middlewares" => new() { [Prefix + "router.middlewares"] = "default-auth@kubernetescrd" },
            "router.middlewares unqualified" => new() { [Prefix + "router.middlewares"] = "auth" },
            "router.tls.options" => new() { [Prefix + "router.tls.options"] = "default-strict@kubernetescrd" },
            _ => null,
        };
        Dictionary<string, string>? serviceAnnotations = c.Case == "service.serverstransport"
            ? new() { [Prefix + "service.serverstransport"] = "default-mtls@kubernetescrd" } : null;
        await using var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            api.Upsert(K8s.Service("default", "guarded", 80, "http", serviceAnnotations));
            api.Upsert(K8s.Slice("default", "guarded", port, "http", "127.0.0.2"));
            api.Upsert(K8s.Ingress("default", "guarded", "app.example.com", "/admin", "guarded", 80, annotations: ingressAnnotations));
            api.Upsert(K8s.Ingress("default", "open", "app.example.com", "/public", "whoami", 80));
        });
        await f.WaitForRouteAsync("app.example.com", "/public");
        await f.Edge.WaitForRawDataAsync(raw => raw.Contains("default-guarded-", StringComparison.Ordinal));
        int before = f.BackendRequests;
        // A router with TLS options is a TLS router: ask over TLS, where it would be served. Its
        // host's handshake is refused (0 here), as Traefik does for a host whose TLS options are broken.
        int status;
        if (c.Case == "router.tls.options")
        {
            try
            {
                var (tlsResponse, _) = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, "app.example.com", "/admin");
                using (tlsResponse) status = (int)tlsResponse.StatusCode;
            }
            catch (HttpRequestException) { status = 0; }
        }
        else
        {
            using var r = await f.SendAsync("app.example.com", "/admin");
            status = (int)r.StatusCode;
        }
        await Assert.That(status).IsEqualTo(c.Case == "router.tls.options" ? 0 : 404).Because(c.Case + ": never served without the thing it asked for");
        await Assert.That(f.BackendRequests).IsEqualTo(before);

        var routers = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!["routers"]!.AsObject();
        var guarded = routers.Single(kv => kv.Key.StartsWith("default-guarded-", StringComparison.Ordinal)).Value!;
        await Assert.That((string?)guarded["status"]).IsEqualTo("disabled");
        await Assert.That(guarded["error"]!.AsArray().Select(e => (string?)e).ToList()).Contains(c.Error);
        var open = routers.Single(kv => kv.Key.StartsWith("default-open-", StringComparison.Ordinal)).Value!;
        await Assert.That((string?)open["status"]).IsEqualTo("enabled");
        await Assert.That(f.Edge.Output).Contains("default/guarded").Because("the log names the Ingress");
        await Assert.That(f.Edge.Output).Contains(c.Error.Replace("\"", "\\\"")).Or.Contains(c.Error);
        using var ok = await f.SendAsync("app.example.com", "/public");
        await Assert.That((int)ok.StatusCode).IsEqualTo(200);
    }
}
