using System.Net;
using System.Text.Json.Nodes;

namespace Edge.Tests.EndToEnd;

/// <summary>Traefik's API endpoints as a dashboard or script reads them.</summary>
[NotInParallel("edge-e2e")]
public class ApiEndToEndTests
{
    [Test]
    public async Task Routers_services_overview_and_version_endpoints()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80));
            api.Upsert(K8s.Ingress("default", "orphan", "orphan.example.com", "/", "missing", 80));
        });
        await f.Edge.WaitForRawDataAsync(r => r.Contains("default-app-app-example-com@kubernetes"));

        var routers = JsonNode.Parse(await f.Edge.GetStringAsync("/api/http/routers"))!.AsArray();
        var app = routers.Single(r => (string)r!["name"]! == "default-app-app-example-com@kubernetes")!;
        await Assert.That((string)app["provider"]!).IsEqualTo("kubernetes");
        await Assert.That((string)app["status"]!).IsEqualTo("enabled");
        await Assert.That((string)app["rule"]!).IsEqualTo("Host(\"app.example.com\") && PathPrefix(\"/\")");

        var one = JsonNode.Parse(await f.Edge.GetStringAsync("/api/http/routers/default-app-app-example-com@kubernetes"))!;
        await Assert.That((string)one["service"]!).IsEqualTo("default-whoami-80");

        var search = JsonNode.Parse(await f.Edge.GetStringAsync("/api/http/routers?search=app-example"))!.AsArray();
        await Assert.That(search.Count).IsEqualTo(1);

        var services = JsonNode.Parse(await f.Edge.GetStringAsync("/api/http/services"))!.AsArray();
        var svc = services.Single(s => (string)s!["name"]! == "default-whoami-80@kubernetes")!;
        await Assert.That(svc["usedBy"]!.AsArray().Select(x => (string)x!).ToList()).Contains("default-app-app-example-com@kubernetes");
        await Assert.That(svc["serverStatus"]!.AsObject().Count).IsEqualTo(2);

        using var missing = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/api/http/routers/nope@kubernetes");
        await Assert.That(missing.StatusCode).IsEqualTo(HttpStatusCode.NotFound);

        var overview = JsonNode.Parse(await f.Edge.GetStringAsync("/api/overview"))!;
        await Assert.That((int)overview["http"]!["routers"]!["total"]!).IsGreaterThanOrEqualTo(3);
        var version = JsonNode.Parse(await f.Edge.GetStringAsync("/api/version"))!;
        await Assert.That((string)version["Version"]!).IsNotEmpty();
    }
}
