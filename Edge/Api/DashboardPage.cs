namespace Edge.Api;

/// <summary>
/// The dashboard served at /dashboard/ on the traefik entry point: one static page, compiled into
/// the binary as a constant (no build step, nothing to trim), that reads the same API a script
/// would (/api/overview, /api/http/routers, /api/http/services). Every value from the cluster is
/// inserted as text, never as HTML, so an Ingress cannot inject markup into the page.
/// </summary>
public static class DashboardPage
{
    /// <summary>Inline script and style only; data from this origin only.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'";

    public const string Html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Edge dashboard</title>
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
          h1 { font-size: 1.4em; margin: 0 0 .5em; }
          h2 { font-size: 1.1em; margin: 1.5em 0 .4em; }
          table { border-collapse: collapse; width: 100%; }
          th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid #ddd; vertical-align: top; }
          th { background: #f4f4f4; }
          td.rule, td.servers { font-family: ui-monospace, monospace; word-break: break-all; }
          .enabled { color: #17702b; } .disabled, .error { color: #b3261e; } .warning { color: #9a6700; }
          #overview span { margin-right: 1.5em; } #status { color: #b3261e; }
          input { margin-left: 1em; }
        </style>
        </head>
        <body>
        <h1>Edge dashboard <input id="search" type="search" placeholder="filter by name"></h1>
        <div id="overview"></div>
        <div id="status"></div>
        <h2>HTTP routers</h2>
        <table id="routers"><thead><tr><th>Name</th><th>Rule</th><th>Status</th><th>Entry points</th><th>Service</th><th>Error</th></tr></thead><tbody></tbody></table>
        <h2>HTTP services</h2>
        <table id="services"><thead><tr><th>Name</th><th>Servers</th><th>Status</th><th>Error</th></tr></thead><tbody></tbody></table>
        <script>
        "use strict";
        // Follows the API's pagination (X-Next-Page is "1" on the last page) so every item is shown.
        async function all(path) {
          const items = [];
          for (let page = 1; ; ) {
            const r = await fetch(path + "?per_page=100&page=" + page);
            if (!r.ok) throw new Error(path + ": HTTP " + r.status);
            items.push(...await r.json());
            const next = parseInt(r.headers.get("X-Next-Page") || "1", 10);
            if (next <= page) return items;
            page = next;
          }
        }
        function cell(tr, text, cls) {
          const td = document.createElement("td");
          td.textContent = text == null ? "" : String(text);
          if (cls) td.className = cls;
          tr.appendChild(td);
        }
        function fill(id, rows, render) {
          const body = document.querySelector("#" + id + " tbody");
          body.replaceChildren();
          const filter = document.getElementById("search").value.toLowerCase();
          for (const row of rows) {
            if (filter && !String(row.name).toLowerCase().includes(filter)) continue;
            const tr = document.createElement("tr");
            tr.dataset.name = row.name;
            render(tr, row);
            body.appendChild(tr);
          }
        }
        function count(label, c) {
          const s = document.createElement("span");
          s.textContent = label + ": " + c.total + (c.errors ? ", " + c.errors + " with errors" : "") + (c.warnings ? ", " + c.warnings + " warnings" : "");
          if (c.errors) s.className = "error";
          return s;
        }
        let data = { routers: [], services: [] };
        function draw() {
          fill("routers", data.routers, (tr, r) => {
            cell(tr, r.name); cell(tr, r.rule, "rule"); cell(tr, r.status, r.status);
            cell(tr, (r.entryPoints || []).join(", ")); cell(tr, r.service); cell(tr, (r.error || []).join("; "), "error");
          });
          fill("services", data.services, (tr, s) => {
            const servers = ((s.loadBalancer && s.loadBalancer.servers) || [])
              .map(x => x.url + (s.serverStatus && s.serverStatus[x.url] ? " (" + s.serverStatus[x.url] + ")" : ""));
            cell(tr, s.name); cell(tr, servers.join("\n") || (s.loadBalancer ? "no servers" : "internal"), "servers");
            cell(tr, s.status, s.status); cell(tr, (s.error || []).join("; "), "error");
          });
        }
        async function refresh() {
          try {
            const [overview, routers, services] = await Promise.all([
              fetch("/api/overview").then(r => r.json()), all("/api/http/routers"), all("/api/http/services")]);
            data = { routers, services };
            document.getElementById("overview").replaceChildren(
              count("Routers", overview.http.routers), count("Services", overview.http.services), count("Middlewares", overview.http.middlewares));
            document.getElementById("status").textContent = "";
            draw();
          } catch (e) {
            document.getElementById("status").textContent = "Cannot read the API: " + e.message;
          }
        }
        document.getElementById("search").addEventListener("input", draw);
        refresh();
        setInterval(refresh, 5000);
        </script>
        </body>
        </html>
        """;
}
