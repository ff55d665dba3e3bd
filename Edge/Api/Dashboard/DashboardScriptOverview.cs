namespace Edge.Api.Dashboard;

/// <summary>
/// The dashboard script, part 3: the overview (entry points, counts linking to the filtered lists,
/// providers, features, the last configuration, live traffic per entry point, per namespace in
/// tenancy mode with a namespace filter, and the busiest routers).
/// </summary>
internal static class DashboardScriptOverview
{
    public const string Js = """
        function countCard(title, section, c) {
          const ok = c.total - c.warnings - c.errors;
          const base = "#/http/" + section;
          return el("div.card", { data_section: section, data_total: c.total, data_success: ok, data_warnings: c.warnings, data_errors: c.errors },
            el("h3", {}, link(base, title + " (" + c.total + ")")),
            el("div.counts", {},
              el("a.ok", { href: base + "?status=enabled", "aria-label": ok + " " + title + " with success" }, el("strong", { text: ok }), " success"),
              el("a.warning", { href: base + "?status=warning", "aria-label": c.warnings + " " + title + " with warnings" }, el("strong", { text: c.warnings }), " warnings"),
              el("a.err", { href: base + "?status=disabled", "aria-label": c.errors + " " + title + " with errors" }, el("strong", { text: c.errors }), " errors")));
        }
        views.overview = async (r) => {
          const [o, s] = await Promise.all([api.json("/api/overview"), edgeStatus(true)]);
          const c = s.configuration;
          const f = s.features;
          const root = el("div", {}, el("h1", { text: "Overview" }));
          root.appendChild(el("section", { "aria-labelledby": "h-cfg" }, el("h2", { id: "h-cfg", text: "Configuration" }),
            el("dl.props", {},
              el("dt", { text: "Last configuration" }), el("dd", { id: "last-config", text: "#" + c.generation + ", " + when(c.appliedAt) }),
              el("dt", { text: "Last reload" }), el("dd", { id: "last-reload", data_ok: c.lastReloadSucceeded },
                c.lastReloadSucceeded ? el("span.badge.ok", { text: "succeeded" }) : el("span.error-text", { text: "failed " + when(c.lastReloadErrorAt) + ": " + c.lastReloadError })),
              el("dt", { text: "Translation issues" }), el("dd", {}, c.issueCount === 0 ? "none" :
                el("details", {}, el("summary", { text: c.issueCount + " (objects skipped or partly served)" }), el("ul", {}, c.issues.map(i => el("li.error-text", { text: i }))))))));
          root.appendChild(el("section", { "aria-labelledby": "h-http" }, el("h2", { id: "h-http", text: "HTTP" }),
            el("div.grid", { id: "counts" }, countCard("Routers", "routers", o.http.routers), countCard("Services", "services", o.http.services),
              countCard("Middlewares", "middlewares", o.http.middlewares))));
          root.appendChild(el("p.note", { text: "TCP and UDP: " + (o.tcp.routers.total + o.udp.routers.total) + " routers (Edge serves HTTP only)." }));
          root.appendChild(el("section", { "aria-labelledby": "h-ep" }, el("h2", { id: "h-ep", text: "Entry points" }),
            el("table", { id: "entrypoints" }, el("thead", {}, el("tr", {}, ["Name", "Address", "TLS", "Redirects to"].map(h => el("th", { scope: "col", text: h })))),
              el("tbody", {}, s.entryPoints.map(e => el("tr", { data_name: e.name }, el("td", { text: e.name }), el("td.mono", { text: e.address }),
                el("td", {}, e.tls ? el("span.badge.ok", { text: "TLS" + (e.tlsOptions ? " (" + e.tlsOptions + ")" : "") }) : "no"),
                el("td", { text: e.redirectTo || "" })))))));
          const twoCols = el("div.grid", {});
          twoCols.appendChild(el("div.card", {}, el("h3", { text: "Providers" }),
            el("ul", { id: "providers" }, (o.providers || []).map(p => el("li", { text: p })))));
          twoCols.appendChild(el("div.card", {}, el("h3", { text: "Features" }), el("ul", { id: "features" },
            el("li", { data_feature: "tenancy", data_on: f.tenancy }, el("span.badge." + (f.tenancy ? "ok" : "off"), { text: f.tenancy ? "on" : "off" }), " tenancy"),
            el("li", { data_feature: "leader", data_on: f.leaderElection }, el("span.badge." + (f.leaderElection ? "ok" : "off"), { text: f.leaderElection ? "on" : "off" }),
              " leader election" + (f.leaderElection ? (f.leader ? " (this replica leads)" : " (this replica follows)") : "")),
            el("li", { data_feature: "accessLog", data_on: f.accessLog }, el("span.badge." + (f.accessLog ? "ok" : "off"), { text: f.accessLog ? "on" : "off" }), " access log"),
            el("li", { data_feature: "metrics", data_on: f.metrics }, el("span.badge." + (f.metrics ? "ok" : "off"), { text: f.metrics ? "on" : "off" }), " metrics" + (o.features.metrics ? " (" + o.features.metrics + ")" : "")),
            el("li", { data_feature: "tracing", data_on: f.tracing }, el("span.badge." + (f.tracing ? "ok" : "off"), { text: f.tracing ? "on" : "off" }), " tracing" + (o.features.tracing ? " (" + o.features.tracing + ")" : "")),
            el("li", { data_feature: "traffic", data_on: f.traffic }, el("span.badge." + (f.traffic ? "ok" : "off"), { text: f.traffic ? "on" : "off" }), " live traffic"))));
          root.appendChild(el("section", { "aria-labelledby": "h-prov" }, el("h2", { id: "h-prov", text: "Providers and features" }), twoCols));
          root.appendChild(await overviewTraffic(r, s));
          return root;
        };

        async function overviewTraffic(r, s) {
          const sec = el("section", { "aria-labelledby": "h-live" }, el("h2", { id: "h-live", text: "Live traffic" }));
          if (!s.features.traffic) { sec.appendChild(el("p.note", { text: "Live traffic needs --metrics.prometheus=true: Edge samples its request counters." })); return sec; }
          let ns = r.params.get("namespace") || "";
          const body = el("div", {});
          if (s.features.tenancy) {
            const select = el("select", { id: "ns-filter", onchange: () => { ns = select.value; history.replaceState(null, "", "#/overview" + (ns ? "?namespace=" + enc(ns) : "")); fill(); } },
              el("option", { value: "", text: "all namespaces" }), s.namespaces.map(n => el("option", { value: n, text: n, selected: n === ns })));
            sec.appendChild(el("div.toolbar", {}, el("label", { for: "ns-filter" }, "Namespace", select)));
          }
          sec.appendChild(body);
          const fill = async () => {
            const kind = s.features.tenancy ? "namespace" : "entrypoint";
            const [main, top] = await Promise.all([
              api.json("/api/edge/traffic?kind=" + kind + (ns ? "&name=" + enc(ns) : "")),
              api.json("/api/edge/traffic?kind=" + (s.features.routerTraffic ? "router" : "service") + "&top=5" + (ns ? "&namespace=" + enc(ns) : ""))]);
            const parts = [];
            // The traefik entry point carries the API and this page: not the traffic anyone asks about.
            for (const series of main.series.filter(x => kind !== "entrypoint" || x.name !== "traefik")) parts.push(el("h3", { text: (kind === "namespace" ? "Namespace " : "Entry point ") + series.name }), trafficCharts(series, main.intervalSeconds));
            if (!main.series.length) parts.push(el("p.note", { text: "No request in the last minutes." }));
            if (top.series.length) parts.push(el("h3", { text: "Busiest " + (s.features.routerTraffic ? "routers" : "services") }),
              el("table", { id: "busiest" }, el("thead", {}, el("tr", {}, ["Name", "Requests in window", "Now"].map(h => el("th", { scope: "col", text: h })))),
                el("tbody", {}, top.series.map(x => el("tr", { data_name: x.name },
                  el("td", {}, link(x.kind === "router" ? routerHref(x.name) : serviceHref(x.name), x.name)), el("td", { text: x.requests }),
                  el("td", { text: fmt.rate(x.rate[x.rate.length - 1] || 0) }))))));
            body.replaceChildren(...parts);
          };
          await fill();
          live(fill);
          return sec;
        }
        """;
}
