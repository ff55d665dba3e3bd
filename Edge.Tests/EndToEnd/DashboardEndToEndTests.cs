using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The dashboard on the traefik entry point, run by headless Chromium against a running edge: the
/// lists show the cluster's routers and services with their status; "/" redirects to it as in
/// Traefik. The page's numbers are read from the DOM it built (text and data attributes), never
/// from pixels. The richer scenarios are in <see cref="DashboardViewsEndToEndTests"/>.
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

        var dom = await HeadlessChromium.DumpDomAsync(f.Edge.ApiUrl + "/dashboard/#/http/routers");
        await Assert.That(View(dom)).IsEqualTo("routers");
        var app = Row(dom, "default-app-app-example-com@kubernetes");
        await Assert.That(app).Contains("Host(\"app.example.com\") &amp;&amp; PathPrefix(\"/\")");
        await Assert.That(app).Contains(">enabled<");
        await Assert.That(app).Contains(">web<");
        await Assert.That(app).Contains(">default-whoami-80<");
        await Assert.That(Row(dom, "shop-cart-shop-example-com-cart@kubernetes")).Contains(">shop-whoami-80<");
        await Assert.That(Regex.Match(dom, "<div id=\"status\"[^>]*>(.*?)</div>").Groups[1].Value).IsEmpty();   // no API error shown

        var services = await HeadlessChromium.DumpDomAsync(f.Edge.ApiUrl + "/dashboard/#/http/services");
        await Assert.That(Row(services, "default-whoami-80@kubernetes")).Contains(">enabled<");
        var shop = await HeadlessChromium.DumpDomAsync(f.Edge.ApiUrl + "/dashboard/#/http/services/shop-whoami-80%40kubernetes");
        await Assert.That(Row(shop, "http://10.1.2.3:8080")).Contains(">UP<");
        await Assert.That(shop).Contains("shop-cart-shop-example-com-cart@kubernetes").Because("the routers using it");
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
        await Assert.That(page.Headers.GetValues("Content-Security-Policy").Single()).Contains("script-src 'self'").Because("no inline script, no other origin");
        using var script = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/dashboard/app.js");
        await Assert.That(script.Content.Headers.ContentType?.MediaType).IsEqualTo("text/javascript");
        var js = await script.Content.ReadAsStringAsync();
        await Assert.That(js).Contains("/api/http/routers");
        await Assert.That(js).DoesNotContain("https://").Because("no CDN, no external font: the page is self-contained");

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
        using var script = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/dashboard/app.js");
        await Assert.That(script.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        using var root = await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/");
        await Assert.That(root.StatusCode).IsNotEqualTo(HttpStatusCode.MovedPermanently);
        await Assert.That(await f.Edge.GetStringAsync("/api/rawdata")).DoesNotContain("dashboard@internal");
    }

    /// <summary>The view the page rendered (main carries data-view once ready).</summary>
    internal static string View(string dom)
    {
        var m = Regex.Match(dom, "<main id=\"view\"[^>]*data-view=\"([^\"]*)\"[^>]*>");
        if (!m.Success || !m.Value.Contains("data-state=\"ready\"")) throw new InvalidOperationException("the page did not render a view:\n" + dom);
        return m.Groups[1].Value;
    }

    /// <summary>The table row the page drew for one router, service or server (rows carry data-name).</summary>
    internal static string Row(string dom, string name)
    {
        var m = Regex.Match(dom, "<tr data-name=\"" + Regex.Escape(name) + "\"[^>]*>(.*?)</tr>", RegexOptions.Singleline);
        if (!m.Success) throw new InvalidOperationException($"no row for {name} in the dashboard DOM:\n{dom}");
        return m.Groups[1].Value;
    }

    /// <summary>A data-* attribute of the first element whose opening tag matches <paramref name="tagPattern"/>.</summary>
    internal static string Attr(string dom, string tagPattern, string attribute)
    {
        var tag = Regex.Match(dom, "<" + tagPattern + "[^>]*>");
        if (!tag.Success) throw new InvalidOperationException($"no <{tagPattern}> in the dashboard DOM:\n{dom}");
        var a = Regex.Match(tag.Value, "\\s" + Regex.Escape(attribute) + "=\"([^\"]*)\"");
        if (!a.Success) throw new InvalidOperationException($"<{tagPattern}> has no {attribute}: {tag.Value}");
        return WebUtility.HtmlDecode(a.Groups[1].Value);
    }
}
