namespace Edge.Api.Dashboard;

/// <summary>
/// The dashboard script, part 4: the router, service and middleware lists. Search, filters,
/// sorting and pages are Traefik's API query parameters, answered by the server (so 10,000
/// routers cost one page of rows in the browser); the state lives in the hash, so a filtered list
/// is a link.
/// </summary>
internal static class DashboardScriptLists
{
    public const string Js = """
        const PER_PAGE = 50;
        const errorCell = x => (x.error || []).map(e => el("div.error-text", { text: e }));
        const lists = {
          routers: {
            title: "HTTP routers", api: "/api/http/routers", namespaces: true,
            columns: [
              ["status", "Status", x => badge(x.status)],
              ["name", "Name", x => [link(routerHref(x.name), x.name), errorCell(x)]],
              ["rule", "Rule", x => el("span.mono", { text: x.rule })],
              ["entryPoints", "Entry points", x => (x.entryPoints || []).join(", ")],
              ["service", "Service", x => link(serviceHref(qualify(x.service, x.name)), x.service)],
              ["priority", "Priority", x => String(x.priority)],
              ["provider", "Provider", x => x.provider || ""],
            ],
          },
          services: {
            title: "HTTP services", api: "/api/http/services",
            columns: [
              ["status", "Status", x => badge(x.status)],
              ["name", "Name", x => [link(serviceHref(x.name), x.name), errorCell(x)]],
              ["type", "Type", x => x.type || ""],
              ["servers", "Servers", x => String(((x.loadBalancer || {}).servers || []).length)],
              ["provider", "Provider", x => x.provider || ""],
            ],
          },
          middlewares: {
            title: "HTTP middlewares", api: "/api/http/middlewares",
            columns: [
              ["status", "Status", x => badge(x.status)],
              ["name", "Name", x => [link(middlewareHref(x.name), x.name), errorCell(x)]],
              ["type", "Type", x => x.type || ""],
              [null, "Used by", x => String((x.usedBy || []).length)],
              ["provider", "Provider", x => x.provider || ""],
            ],
          },
        };
        const FILTERS = ["search", "status", "provider", "namespace", "serviceName", "middlewareName", "sortBy", "direction", "page"];

        for (const [section, spec] of Object.entries(lists)) views[section] = (r) => listView(section, spec, r.params);

        async function listView(section, spec, initial) {
          const params = {};
          for (const k of FILTERS) params[k] = initial.get(k) || "";
          const s = await edgeStatus();
          const table = el("table", { id: "list", data_section: section });
          const pager = el("div.pager", {});
          const count = el("p.note", { id: "list-count", "aria-live": "polite" });
          const control = (id, label, input) => el("label", { for: id }, label, input);
          const search = el("input", { id: "f-search", type: "search", value: params.search, placeholder: "name" + (section === "routers" ? " or rule" : ""),
            oninput: () => { clearTimeout(search.timer); search.timer = setTimeout(() => update({ search: search.value, page: "" }), 150); } });
          const select = (id, key, options) => el("select", { id, onchange: e => update({ [key]: e.target.value, page: "" }) },
            options.map(([v, t]) => el("option", { value: v, text: t, selected: params[key] === v })));
          const toolbar = el("div.toolbar", { role: "search" },
            control("f-search", "Search", search),
            control("f-status", "Status", select("f-status", "status", [["", "any"], ["enabled", "success"], ["warning", "warning"], ["disabled", "error"]])),
            control("f-provider", "Provider", select("f-provider", "provider",
              [["", "any"], ["kubernetes", "kubernetes"], ["kubernetescrd", "kubernetescrd"], ["file", "file"], ["internal", "internal"]])),
            spec.namespaces && s.namespaces.length ? control("f-namespace", "Namespace",
              select("f-namespace", "namespace", [["", "any"], ...s.namespaces.map(n => [n, n])])) : null);
          const chips = el("p.note", {});
          const root = el("div", {}, el("h1", { text: spec.title }), toolbar, chips, count, table, pager);

          async function update(changes) {
            Object.assign(params, changes);
            const q = new URLSearchParams();
            for (const k of FILTERS) if (params[k]) q.set(k, params[k]);
            const qs = q.toString();
            history.replaceState(null, "", "#/http/" + section + (qs ? "?" + qs : ""));
            await fill();
          }
          async function fill() {
            const started = performance.now();
            const page = parseInt(params.page || "1", 10);
            const { items, next } = await api.list(spec.api, Object.assign({}, params, { per_page: PER_PAGE, page: page > 1 ? page : "" }));
            chips.replaceChildren(...["serviceName", "middlewareName"].filter(k => params[k]).map(k =>
              el("span", {}, (k === "serviceName" ? "Using service " : "Using middleware ") + params[k] + " ",
                el("button.btn", { type: "button", onclick: () => update({ [k]: "", page: "" }), text: "clear" }))));
            const head = el("tr", {}, spec.columns.map(([key, label]) => {
              if (!key) return el("th", { scope: "col", text: label });
              const active = (params.sortBy || "name") === key;
              const desc = active && params.direction === "desc";
              return el("th", { scope: "col", "aria-sort": active ? (desc ? "descending" : "ascending") : "none" },
                el("button", { type: "button", text: label + (active ? (desc ? " ▼" : " ▲") : ""), "aria-label": "Sort by " + label,
                  onclick: () => update({ sortBy: key, direction: active && !desc ? "desc" : "", page: "" }) }));
            }));
            const body = el("tbody", {}, items.map(x => el("tr", { data_name: x.name, data_status: x.status },
              spec.columns.map(([, , cell]) => el("td", {}, cell(x))))));
            table.replaceChildren(el("caption.sr-only", { text: spec.title + ", page " + page }), el("thead", {}, head), body);
            count.textContent = items.length === 0 ? "Nothing matches." : "Page " + page + ": " + items.length + " shown" + (next > page ? ", more on the next page." : ".");
            pager.replaceChildren(
              el("button.btn", { type: "button", text: "Previous page", disabled: page <= 1, onclick: () => update({ page: page > 2 ? String(page - 1) : "" }) }),
              el("span", { text: "Page " + page }),
              el("button.btn", { type: "button", text: "Next page", disabled: next <= page, onclick: () => update({ page: String(next) }) }));
            table.dataset.rows = String(items.length);
            table.dataset.renderMs = (performance.now() - started).toFixed(1);
            table.dataset.state = "ready";
          }
          await fill();
          return root;
        }
        """;
}
