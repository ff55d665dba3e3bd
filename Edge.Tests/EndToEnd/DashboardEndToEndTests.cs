using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The dashboard on the traefik entry point: the page, run by a real browser against a running
/// edge, lists the cluster's routers and services with their status; "/" redirects to it as in Traefik.
/// </summary>
[NotInParallel("edge-e2e")]
public class DashboardEndToEndTests
{
    [Test]
    public async Task Headless_chromium_shows_the_routers_and_services_of_the_cluster()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80));
            api.Upsert(K8s.Ingress("shop", "cart", "shop.example.com", "/cart", "whoami", 80));
            api.Upsert(K8s.Service("shop", "whoami", 80, "http"));
            api.Upsert(K8s.Slice("shop", "whoami", 8080, "http", "10.1.2.3"));
        });
        await f.Edge.WaitForRawDataAsync(r => r.Contains("shop-cart-shop-example-com-cart@kubernetes") && r.Contains("default-app-app-example-com@kubernetes"));

        var dom = await HeadlessChromium.DumpDomAsync(f.Edge.ApiUrl + "/dashboard/");

        var app = Row(dom, "default-app-app-example-com@kubernetes");
        await Assert.That(app).Contains("Host(\"app.example.com\") &amp;&amp; PathPrefix(\"/\")");
        await Assert.That(app).Contains(">enabled<");
        await Assert.That(app).Contains(">web<");
        await Assert.That(app).Contains(">default-whoami-80<");
        await Assert.That(Row(dom, "shop-cart-shop-example-com-cart@kubernetes")).Contains(">shop-whoami-80<");
        await Assert.That(Row(dom, "shop-whoami-80@kubernetes")).Contains("http://10.1.2.3:8080 (UP)");
        await Assert.That(Row(dom, "default-whoami-80@kubernetes")).Contains(">enabled<");
        await Assert.That(Regex.Match(dom, "<div id=\"status\">(.*?)</div>").Groups[1].Value).IsEmpty();   // no API error shown
        // From /api/overview: the two Ingress routers plus api, ping and dashboard @internal, as Traefik counts them.
        await Assert.That(dom).Contains("Routers: 5");
    }

    [Test]
    public async Task Root_redirects_to_the_dashboard_which_is_listed_as_traefiks_internal_router()
    {
        await using var f = await DataPlaneFixture.StartAsync();
        using var root = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/");
        await Assert.That(root.StatusCode).IsEqualTo(HttpStatusCode.MovedPermanently);
        await Assert.That(root.Headers.Location?.ToString()).IsEqualTo("/dashboard/");

        using var page = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/dashboard/");
        await Assert.That(page.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(page.Content.Headers.ContentType?.MediaType).IsEqualTo("text/html");
        await Assert.That(await page.Content.ReadAsStringAsync()).Contains("/api/http/routers");

        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        await Assert.That((string)raw["routers"]!["dashboard@internal"]!["rule"]!).IsEqualTo("PathPrefix(`/`)");
        await Assert.That(raw["middlewares"]!["dashboard_redirect@internal"]!["redirectRegex"]!["replacement"]!.ToString()).IsEqualTo("${1}/dashboard/");
    }

    [Test]
    public async Task Dashboard_false_serves_no_page_and_no_router()
    {
        await using var f = await DataPlaneFixture.StartAsync(null, "--api.dashboard=false");
        using var page = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/dashboard/");
        await Assert.That(page.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        using var root = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/");
        await Assert.That(root.StatusCode).IsNotEqualTo(HttpStatusCode.MovedPermanently);
        await Assert.That(await f.Edge.GetStringAsync("/api/rawdata")).DoesNotContain("dashboard@internal");
    }

    /// <summary>The table row the page drew for one router or service (rows carry data-name).</summary>
    private static string Row(string dom, string name)
    {
        var m = Regex.Match(dom, "<tr data-name=\"" + Regex.Escape(name) + "\">(.*?)</tr>", RegexOptions.Singleline);
        if (!m.Success) throw new InvalidOperationException($"no row for {name} in the dashboard DOM:\n{dom}");
        return m.Groups[1].Value;
    }
}
