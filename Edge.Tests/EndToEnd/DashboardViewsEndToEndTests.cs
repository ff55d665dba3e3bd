using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Tests.Support;
using static Edge.Tests.EndToEnd.DashboardEndToEndTests;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The dashboard's views in headless Chromium against artifacts/edge, with Ingresses from the fake
/// API server and a file-provider router whose chain has two middlewares: the overview's counts are
/// /api/overview's; a router in error is shown in red with its text and the Ingress that caused it;
/// a router's page shows its middleware chain in order and the flow diagram; its traffic chart
/// rises once requests went through it; 10,000 routers list and filter (the page's own timing,
/// bounded generously, a functional check). Writes the README's screenshot when asked
/// (EDGE_DASHBOARD_SCREENSHOT=path; scripts/dashboard-screenshot).
/// </summary>
[NotInParallel("edge-e2e")]
public class DashboardViewsEndToEndTests
{
    private const string Prefix = "traefik.ingress.kubernetes.io/";
    private const string ChainRouter = "chain@file";

    private static async Task<DataPlaneFixture> StartScenarioAsync()
    {
        var dir = Directory.CreateTempSubdirectory("edge-dashboard-").FullName;
        var file = Path.Combine(dir, "dynamic.yml");
        var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80));
            api.Upsert(K8s.Ingress("default", "guarded", "app.example.com", "/admin", "whoami", 80,
                annotations: new Dictionary<string, string> { [Prefix + "router.middlewares"] = "default-auth@kubernetescrd" }));
            File.WriteAllText(file, $"""
                http:
                  routers:
                    chain:
                      rule: Host(`chain.example.com`)
                      entryPoints: [web]
                      middlewares: [strip, tag]
                      service: echo
                    denied:
                      rule: Host(`denied.example.com`)
                      entryPoints: [web]
                      middlewares: [office-only]
                      service: echo
                  middlewares:
                    office-only:
                      ipAllowList:
                        sourceRange: [10.0.0.0/8]
                    strip:
                      stripPrefix:
                        prefixes: [/api]
                    tag:
                      headers:
                        customRequestHeaders:
                          X-Dashboard: "yes"
                  services:
                    echo:
                      loadBalancer:
                        servers:
                          - url: http://127.0.0.2:{port}
                """);
        }, $"--providers.file.filename={file}", "--metrics.prometheus=true", "--metrics.prometheus.addRoutersLabels=true");
        await f.Edge.WaitForRawDataAsync(r => r.Contains("default-guarded-") && r.Contains(ChainRouter) && r.Contains("default-app-"));
        // Not a request through the routers: the traffic test counts every one of them.
        return f;
    }

    private static string Page(DataPlaneFixture f, string hash) => f.Edge.ApiUrl + "/dashboard/#" + hash;

    [Test]
    public async Task Overview_counts_are_the_apis_and_link_to_the_filtered_lists()
    {
        await using var f = await StartScenarioAsync();
        var overview = JsonNode.Parse(await f.Edge.GetStringAsync("/api/overview"))!;
        var dom = await HeadlessChromium.DumpDomAsync(Page(f, "/overview"));
        await Assert.That(View(dom)).IsEqualTo("overview");
        foreach (var section in new[] { "routers", "services", "middlewares" })
        {
            var c = overview["http"]![section]!;
            string card = "div class=\"card\" data-section=\"" + section + "\"";
            int total = (int)c["total"]!, warnings = (int)c["warnings"]!, failed = (int)c["errors"]!;
            await Assert.That(Attr(dom, card, "data-total")).IsEqualTo(total.ToString(CultureInfo.InvariantCulture));
            await Assert.That(Attr(dom, card, "data-warnings")).IsEqualTo(warnings.ToString(CultureInfo.InvariantCulture));
            await Assert.That(Attr(dom, card, "data-errors")).IsEqualTo(failed.ToString(CultureInfo.InvariantCulture));
            await Assert.That(Attr(dom, card, "data-success")).IsEqualTo((total - warnings - failed).ToString(CultureInfo.InvariantCulture));
            await Assert.That(dom).Contains($"href=\"#/http/{section}?status=disabled\"");
        }
        await Assert.That((int)overview["http"]!["routers"]!["errors"]!).IsGreaterThanOrEqualTo(1).Because("the guarded Ingress's router");
        await Assert.That(Attr(dom, "li data-feature=\"metrics\"", "data-on")).IsEqualTo("true");
        await Assert.That(Attr(dom, "li data-feature=\"tenancy\"", "data-on")).IsEqualTo("false");
        await Assert.That(Attr(dom, "li data-feature=\"accessLog\"", "data-on")).IsEqualTo("false");
        await Assert.That(Regex.Match(dom, "<ul id=\"providers\">(.*?)</ul>").Groups[1].Value).Contains(">File<").And.Contains(">KubernetesIngress<");
        await Assert.That(Row(dom, "web")).Contains(f.Edge.WebUrl.Replace("http://", "")).Because("the entry point's address");
        await Assert.That(Attr(dom, "dd id=\"last-reload\"", "data-ok")).IsEqualTo("true");
        await Assert.That(Regex.Match(dom, "<dd id=\"last-config\">(.*?)</dd>").Groups[1].Value).Contains(" UTC (");

        // The error count's link is the list filtered server-side by status.
        var errors = await HeadlessChromium.DumpDomAsync(Page(f, "/http/routers?status=disabled"));
        await Assert.That(Attr(errors, "table id=\"list\"", "data-rows")).IsEqualTo(overview["http"]!["routers"]!["errors"]!.ToString());
    }

    [Test]
    public async Task A_router_in_error_shows_its_text_in_red_with_the_ingress_that_caused_it()
    {
        await using var f = await StartScenarioAsync();
        var name = JsonNode.Parse(await f.Edge.GetStringAsync("/api/http/routers?search=default-guarded"))!.AsArray().Single()!["name"]!.ToString();
        const string text = "middleware \"default-auth@kubernetescrd\" does not exist";

        var list = await HeadlessChromium.DumpDomAsync(Page(f, "/http/routers?status=disabled"));
        var row = Row(list, name);
        await Assert.That(row).Contains("<div class=\"error-text\">" + text + "</div>");

        var detail = await HeadlessChromium.DumpDomAsync(Page(f, "/http/routers/" + Uri.EscapeDataString(name)));
        var box = Regex.Match(detail, "<div class=\"error-box\" role=\"alert\" id=\"errors\"[^>]*>(.*?)</div>", RegexOptions.Singleline);
        await Assert.That(box.Success).IsTrue().Because("the error box is drawn (red: .error-box)");
        await Assert.That(box.Groups[1].Value).Contains("from Ingress default/guarded");
        await Assert.That(box.Groups[1].Value).Contains("<p class=\"error-message\">" + text + "</p>");
        await Assert.That(Attr(detail, "g class=\"node missing\"", "data-name")).IsEqualTo("default-auth@kubernetescrd").Because("the diagram marks the missing middleware");
    }

    [Test]
    public async Task A_router_page_shows_the_chain_in_order_the_flow_and_the_servers()
    {
        await using var f = await StartScenarioAsync();
        var dom = await HeadlessChromium.DumpDomAsync(Page(f, "/http/routers/" + Uri.EscapeDataString(ChainRouter)));
        await Assert.That(View(dom)).IsEqualTo("routersDetail");
        var chain = Regex.Matches(Regex.Match(dom, "<ol class=\"chain\" id=\"chain\">(.*?)</ol>", RegexOptions.Singleline).Groups[1].Value, "<li data-name=\"([^\"]+)\" data-status=\"([^\"]+)\"")
            .Select(m => m.Groups[1].Value + ":" + m.Groups[2].Value).ToList();
        await Assert.That(string.Join(",", chain)).IsEqualTo("strip@file:enabled,tag@file:enabled");
        var nodes = Regex.Matches(dom, "<g class=\"node[^\"]*\" data-kind=\"([^\"]+)\" data-name=\"([^\"]+)\"").Select(m => m.Groups[1].Value + "=" + m.Groups[2].Value).ToList();
        await Assert.That(string.Join(" | ", nodes)).IsEqualTo(
            $"entry point=web | router={ChainRouter} | middleware stripprefix=strip@file | middleware headers=tag@file | service=echo@file | server=http://127.0.0.2:{f.BackendPort}");
        await Assert.That(Regex.Match(dom, "<span class=\"mono\" id=\"rule\">(.*?)</span>").Groups[1].Value).IsEqualTo("Host(`chain.example.com`)");
        await Assert.That(Row(dom, $"http://127.0.0.2:{f.BackendPort}")).Contains(">UP<");

        var middleware = await HeadlessChromium.DumpDomAsync(Page(f, "/http/middlewares/tag%40file"));
        await Assert.That(Regex.Match(middleware, "<pre class=\"mono\" id=\"options\"[^>]*>(.*?)</pre>", RegexOptions.Singleline).Groups[1].Value).Contains("X-Dashboard");
    }

    [Test]
    public async Task The_traffic_chart_of_a_router_rises_after_requests_go_through_it()
    {
        await using var f = await StartScenarioAsync();
        var url = Page(f, "/http/routers/" + Uri.EscapeDataString(ChainRouter));
        var before = await HeadlessChromium.DumpDomAsync(url);
        await Assert.That(double.Parse(Attr(before, "figure class=\"chart\"[^>]*data-metric=\"rate\"", "data-sum"), CultureInfo.InvariantCulture)).IsEqualTo(0);

        for (int i = 0; i < 40; i++) { using var r = await f.SendAsync("chain.example.com", "/api/x"); }
        for (int i = 0; i < 5; i++) { using var r = await f.SendAsync("chain.example.com", "/api/y"); }
        for (int i = 0; i < 4; i++) { using var r = await f.SendAsync("denied.example.com", "/"); await Assert.That((int)r.StatusCode).IsEqualTo(403); }
        // The sampler ticks every 2 s: wait for the tick that saw them, then read what the page drew.
        await Eventually.UntilAsync(async () =>
            JsonNode.Parse(await f.Edge.GetStringAsync("/api/edge/traffic?kind=router&name=" + Uri.EscapeDataString(ChainRouter)))!["series"]!.AsArray()
                .Sum(s => (long)s!["requests"]!) >= 45,
            TimeSpan.FromSeconds(10), () => "no traffic sampled for " + ChainRouter);
        var after = await HeadlessChromium.DumpDomAsync(url);
        string rate = "figure class=\"chart\"[^>]*data-metric=\"rate\"";
        await Assert.That(double.Parse(Attr(after, rate, "data-max"), CultureInfo.InvariantCulture)).IsGreaterThan(0);
        await Assert.That(double.Parse(Attr(after, rate, "data-sum"), CultureInfo.InvariantCulture) * 2).IsEqualTo(45).Within(0.5)
            .Because("45 requests, the rate of each 2 s tick summed times the interval");
        await Assert.That(Attr(after, rate, "aria-label")).StartsWith("Requests over the last 5 minutes: requests/s now");
        await Assert.That(double.Parse(Attr(after, "figure class=\"chart\"[^>]*data-metric=\"errors\"", "data-max"), CultureInfo.InvariantCulture)).IsEqualTo(0);
        await Eventually.UntilAsync(async () =>
            JsonNode.Parse(await f.Edge.GetStringAsync("/api/edge/traffic?kind=router&name=denied%40file"))!["series"]!.AsArray()
                .Sum(s => (long)s!["requests"]!) >= 4,
            TimeSpan.FromSeconds(10), () => "no traffic sampled for denied@file");
        var denied = await HeadlessChromium.DumpDomAsync(Page(f, "/http/routers/denied%40file"));
        await Assert.That(double.Parse(Attr(denied, "figure class=\"chart\"[^>]*data-metric=\"errors\"", "data-max"), CultureInfo.InvariantCulture)).IsEqualTo(1)
            .Because("every request to it was refused 403 by its ipAllowList: a 4xx share of 100%");

        if (Environment.GetEnvironmentVariable("EDGE_DASHBOARD_SCREENSHOT") is { Length: > 0 } png)
        {
            // For the README's picture only: a minute of varying traffic, so the charts have a shape.
            for (int tick = 0; tick < 30; tick++)
            {
                for (int i = 0; i < 5 + (tick * 7) % 23; i++) { using var r = await f.SendAsync("chain.example.com", tick % 9 == 4 ? "/slow?ms=150" : "/api/x"); }
                await Task.Delay(2000);
            }
            await HeadlessChromium.ScreenshotAsync(url, Path.IsPathRooted(png) ? png : Path.Combine(RepoPaths.Root, png), 1300);
        }
    }

    [Test]
    public async Task Tenancy_mode_shows_traffic_per_namespace_with_a_namespace_filter()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            foreach (var ns in new[] { "team-a", "team-b" })
            {
                api.Upsert(K8s.Service(ns, "web", 80, "http"));
                api.Upsert(K8s.Slice(ns, "web", port, "http", "127.0.0.2"));
                api.Upsert(K8s.Ingress(ns, "site", ns + ".example.com", "/", "web", 80));
            }
        }, "--tenancy.enabled=true", "--metrics.prometheus=true");
        await f.Edge.WaitForRawDataAsync(r => r.Contains("team-a-site-") && r.Contains("team-b-site-"));
        for (int i = 0; i < 12; i++) { using var r = await f.SendAsync("team-a.example.com", "/"); }
        for (int i = 0; i < 3; i++) { using var r = await f.SendAsync("team-b.example.com", "/"); }
        await Eventually.UntilAsync(async () =>
            JsonNode.Parse(await f.Edge.GetStringAsync("/api/edge/traffic?kind=namespace"))!["series"]!.AsArray().Sum(s => (long)s!["requests"]!) >= 15,
            TimeSpan.FromSeconds(10), () => "no namespace traffic sampled");

        var all = await HeadlessChromium.DumpDomAsync(Page(f, "/overview"));
        await Assert.That(Attr(all, "li data-feature=\"tenancy\"", "data-on")).IsEqualTo("true");
        await Assert.That(Regex.Match(all, "<select id=\"ns-filter\">(.*?)</select>").Groups[1].Value).Contains(">team-a<").And.Contains(">team-b<");
        await Assert.That(NamespaceRequests(all)).IsEqualTo("team-a=12,team-b=3");
        var teamA = await HeadlessChromium.DumpDomAsync(Page(f, "/overview?namespace=team-a"));
        await Assert.That(NamespaceRequests(teamA)).IsEqualTo("team-a=12").Because("the filter shows one namespace only");
        var routers = await HeadlessChromium.DumpDomAsync(Page(f, "/http/routers?namespace=team-b"));
        await Assert.That(Attr(routers, "table id=\"list\"", "data-rows")).IsEqualTo("1");
    }

    // namespace=requests in the window, read from the rate chart of each namespace section (sum of per-tick rates times 2 s).
    private static string NamespaceRequests(string dom) => string.Join(",",
        Regex.Matches(dom, "<div class=\"charts\" data-series=\"namespace:([^\"]+)\"><figure class=\"chart\"[^>]*data-sum=\"([^\"]+)\"")
            .Select(m => m.Groups[1].Value + "=" + Math.Round(double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * 2)));

    [Test]
    public async Task Ten_thousand_routers_list_and_filter_in_the_browser()
    {
        var dir = Directory.CreateTempSubdirectory("edge-dashboard-scale-").FullName;
        var file = Path.Combine(dir, "dynamic.yml");
        var yaml = new StringBuilder("http:\n  routers:\n");
        for (int i = 0; i < 10_000; i++) yaml.Append(CultureInfo.InvariantCulture, $"    r{i:D5}:\n      rule: Host(`h{i:D5}.example.com`)\n      service: s{i % 100:D3}\n");
        yaml.Append("  services:\n");
        for (int i = 0; i < 100; i++) yaml.Append(CultureInfo.InvariantCulture, $"    s{i:D3}:\n      loadBalancer:\n        servers:\n          - url: http://127.0.0.2:9\n");
        File.WriteAllText(file, yaml.ToString());
        await using var edge = await EdgeProcess.StartAsync([$"--providers.file.filename={file}", "--providers.providersThrottleDuration=0s"]);
        await Eventually.UntilAsync(async () => (int)JsonNode.Parse(await edge.GetStringAsync("/api/overview"))!["http"]!["routers"]!["total"]! >= 10_000,
            TimeSpan.FromSeconds(30), () => "the 10,000 routers never appeared; edge output:\n" + edge.Output);

        var wall = Stopwatch.StartNew();
        var all = await HeadlessChromium.DumpDomAsync(edge.ApiUrl + "/dashboard/#/http/routers");
        var filtered = await HeadlessChromium.DumpDomAsync(edge.ApiUrl + "/dashboard/#/http/routers?search=h0424&sortBy=priority&direction=desc");
        wall.Stop();
        await Assert.That(Attr(all, "table id=\"list\"", "data-rows")).IsEqualTo("50").Because("one page of the 10,003 routers");
        await Assert.That(Row(all, "r00000@file")).Contains("Host(`h00000.example.com`)");
        await Assert.That(Attr(filtered, "table id=\"list\"", "data-rows")).IsEqualTo("10");
        await Assert.That(Row(filtered, "r04249@file")).Contains(">enabled<");
        // The page's own measure (fetch, filter on the server, DOM built), bounded generously: a functional check, not a benchmark.
        double listMs = double.Parse(Attr(all, "table id=\"list\"", "data-render-ms"), CultureInfo.InvariantCulture);
        double filterMs = double.Parse(Attr(filtered, "table id=\"list\"", "data-render-ms"), CultureInfo.InvariantCulture);
        Console.WriteLine($"10,000 routers: list {listMs} ms, filter {filterMs} ms in the page; two chromium runs {wall.ElapsedMilliseconds} ms");
        await Assert.That(listMs).IsLessThan(1000);
        await Assert.That(filterMs).IsLessThan(1000);
    }
}
