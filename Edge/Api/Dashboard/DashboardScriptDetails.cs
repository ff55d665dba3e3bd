namespace Edge.Api.Dashboard;

/// <summary>
/// The dashboard script, part 5: the detail pages. A router: its errors in red with the object
/// that caused them, the flow diagram, rule, priority, entry points, TLS with the certificate
/// served per host and its expiry, the middleware chain in order, the service and its servers,
/// and live traffic. A service: servers with status, weights, sticky, users, live traffic.
/// A middleware: its options and users.
/// </summary>
internal static class DashboardScriptDetails
{
    public const string Js = """
        const MIDDLEWARE_TYPES = ["addPrefix", "stripPrefix", "stripPrefixRegex", "replacePath", "replacePathRegex", "chain", "ipAllowList", "headers",
          "redirectRegex", "redirectScheme", "basicAuth", "rateLimit", "inFlightReq", "compress", "forwardAuth", "errors", "retry", "contentType",
          "encodedCharacters", "passTLSClientCert"];
        async function optional(path) { try { return await api.json(path); } catch (e) { if (e.status === 404) return null; throw e; } }
        function props(pairs) { return el("dl.props", {}, pairs.filter(p => p).flatMap(([k, v]) => [el("dt", { text: k }), el("dd", {}, v)])); }
        function errorBox(obj, source) {
          if (!obj.error || !obj.error.length) return null;
          return el("div.error-box", { role: "alert", id: "errors", data_status: obj.status },
            el("p", {}, el("strong", { text: obj.status === "warning" ? "Warning" : "Error" }), source ? " (from Ingress " + source + ")" : ""),
            obj.error.map(e => el("p.error-message", { text: e })));
        }
        function serverRows(service) {
          const lb = service && service.loadBalancer;
          if (!lb) return [];
          return (lb.servers || []).map(s => ({ url: s.url, status: (service.serverStatus || {})[s.url] || "unknown", fenced: s.fenced }));
        }
        function serverColumn(service) {
          if (!service) return [];
          if (service.loadBalancer) return serverRows(service).map(s => ({ kind: "server", label: s.url, status: s.status }));
          const children = (service.weighted && service.weighted.services) || (service.failover ? [{ name: service.failover.service }, { name: service.failover.fallback }] : [])
            .concat(service.mirroring ? [{ name: service.mirroring.service }] : []);
          return (children || []).filter(c => c && c.name).map(c => ({ kind: "service", label: c.name + (c.weight != null ? " (weight " + c.weight + ")" : ""),
            href: serviceHref(qualify(c.name, service.name)), status: "" }));
        }
        function serversTable(service) {
          const rows = serverRows(service);
          if (!rows.length) return el("p.note", { text: service && service.loadBalancer ? "No server." : "Not a load balancer (see the diagram)." });
          return el("table", { id: "servers" }, el("thead", {}, el("tr", {}, ["Server", "Status"].map(h => el("th", { scope: "col", text: h })))),
            el("tbody", {}, rows.map(s => el("tr", { data_name: s.url }, el("td.mono", { text: s.url + (s.fenced ? " (fenced)" : "") }), el("td", {}, badge(s.status))))));
        }

        views.routersDetail = async (r) => {
          const name = r.name;
          const router = await api.json("/api/http/routers/" + enc(name));
          const extras = await api.json("/api/edge/http/routers/" + enc(name));
          const service = extras.service && extras.service.status !== "missing" ? await optional("/api/http/services/" + enc(extras.service.name)) : null;
          const columns = [
            (router.entryPoints || []).map(e => ({ kind: "entry point", label: e, status: "" })),
            [{ kind: "router", label: name, status: router.status }],
            ...extras.chain.map(m => [{ kind: "middleware" + (m.type ? " " + m.type : ""), label: m.name, title: m.name, status: m.status, href: m.status === "missing" ? null : middlewareHref(m.name) }]),
            [{ kind: "service", label: extras.service.name, status: extras.service.status, href: extras.service.status === "missing" ? null : serviceHref(extras.service.name) }],
          ];
          const servers = serverColumn(service);
          if (servers.length) columns.push(servers);
          const label = "Request flow: " + columns.map(c => c.map(n => n.kind + " " + n.label + (n.status ? " (" + n.status + ")" : "")).join(", ")).join(" → ");
          const tls = router.tls ? props([
              ["Options", router.tls.options || "default"],
              router.tls.certResolver ? ["Certificate resolver", router.tls.certResolver] : null,
              ["Certificates", extras.certificates.length ? el("ul", { id: "certificates" }, extras.certificates.map(c => el("li", { data_host: c.host, data_not_after: c.notAfter },
                el("strong", { text: c.host }), ": " + c.subject + (c.default ? " (default certificate: no configured certificate covers this name)" : ""),
                el("br"), "names " + c.sans.join(", ") + "; expires " + when(c.notAfter), new Date(c.notAfter) < new Date() ? el("span.error-text", { text: " EXPIRED" }) : null))) : "none found for the rule's hosts"],
            ]) : el("p", { text: "No TLS on this router (unless its entry point serves TLS)." });
          const chain = extras.chain.length ? el("ol.chain", { id: "chain" }, extras.chain.map(m => el("li", { data_name: m.name, data_status: m.status },
              m.status === "missing" ? el("span", { text: m.name }) : link(middlewareHref(m.name), m.name), " ", badge(m.status), m.type ? " " + m.type : "",
              (m.error || []).map(e => el("div.error-text", { text: e })))))
            : el("p.note", { id: "chain", text: "No middleware." });
          const root = el("div", { data_router: name },
            el("h1", {}, "Router ", el("span.mono", { text: name }), " ", badge(router.status)),
            errorBox(router, extras.source),
            el("h2", { text: "Flow" }), flowDiagram(columns, label),
            el("h2", { text: "Router" }),
            props([["Rule", el("span.mono", { id: "rule", text: router.rule })], ["Priority", String(router.priority)],
              ["Entry points", (router.entryPoints || []).join(", ")], ["Provider", router.provider || ""],
              extras.source ? ["Source", "Ingress " + extras.source] : null, router.ruleSyntax ? ["Rule syntax", router.ruleSyntax] : null]),
            el("h2", { text: "TLS" }), tls,
            el("h2", { text: "Middlewares, in order" }), chain,
            el("h2", { text: "Service" }),
            el("p", {}, extras.service.status === "missing" ? el("span", { text: extras.service.name }) : link(serviceHref(extras.service.name), extras.service.name), " ",
              badge(extras.service.status), (extras.service.error || []).map(e => el("div.error-text", { text: e }))),
            serversTable(service));
          const t = await trafficSection("router", name);
          root.appendChild(t.node);
          live(t.refresh);
          return root;
        };

        views.servicesDetail = async (r) => {
          const s = await api.json("/api/http/services/" + enc(r.name));
          const lb = s.loadBalancer;
          const st = (lb && lb.sticky) || (s.weighted && s.weighted.sticky);
          const sticky = st && st.cookie ? "cookie " + (st.cookie.name || "(generated name)") +
            (st.cookie.secure ? ", secure" : "") + (st.cookie.httpOnly ? ", httpOnly" : "") : "no";
          const columns = [[{ kind: "service", label: s.name, status: s.status }]];
          const servers = serverColumn(s);
          if (servers.length) columns.push(servers);
          const root = el("div", {},
            el("h1", {}, "Service ", el("span.mono", { text: s.name }), " ", badge(s.status)),
            errorBox(s, null),
            el("h2", { text: "Flow" }), flowDiagram(columns, "Service " + s.name + " → " + servers.map(x => x.label).join(", ")),
            props([["Type", s.type || ""], ["Provider", s.provider || ""],
              lb || s.weighted ? ["Sticky sessions", sticky] : null, lb ? ["Strategy", lb.strategy || "wrr"] : null,
              lb && lb.passHostHeader != null ? ["Pass Host header", String(lb.passHostHeader)] : null,
              lb && lb.serversTransport ? ["Servers transport", lb.serversTransport] : null,
              s.weighted ? ["Weights", el("ul", {}, (s.weighted.services || []).map(w => el("li", {}, link(serviceHref(qualify(w.name, s.name)), w.name), " weight " + (w.weight ?? 1))))] : null,
              s.mirroring ? ["Mirrors", el("ul", {}, (s.mirroring.mirrors || []).map(m => el("li", { text: m.name + " " + (m.percent ?? 0) + "%" })))] : null,
              ["Used by", el("ul", { id: "used-by" }, (s.usedBy || []).map(u => el("li", {}, link(routerHref(u), u))))]]),
            el("h2", { text: "Servers" }), serversTable(s));
          const t = await trafficSection("service", s.name);
          root.appendChild(t.node);
          live(t.refresh);
          return root;
        };

        views.middlewaresDetail = async (r) => {
          const m = await api.json("/api/http/middlewares/" + enc(r.name));
          const options = {};
          for (const k of MIDDLEWARE_TYPES) if (m[k] !== undefined) options[k] = m[k];
          return el("div", {},
            el("h1", {}, "Middleware ", el("span.mono", { text: m.name }), " ", badge(m.status)),
            errorBox(m, null),
            props([["Type", m.type || "unknown"], ["Provider", m.provider || ""],
              ["Used by", el("ul", { id: "used-by" }, (m.usedBy || []).map(u => el("li", {}, link(routerHref(u), u))))],
              ["Routers", link("#/http/routers?middlewareName=" + enc(m.name.replace(/@.*/, "")), "list the routers naming it")]]),
            el("h2", { text: "Options" }),
            el("pre.mono", { id: "options", tabindex: "0", "aria-label": "Options of " + m.name, text: JSON.stringify(options, null, 2) }));
        };
        """;
}
