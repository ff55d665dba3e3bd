namespace Edge.Api.Dashboard;

/// <summary>
/// The dashboard script, part 1: DOM helpers (every value from the cluster goes in as text, never
/// as HTML, so an Ingress cannot inject markup), the API client, the hash router and the header.
/// </summary>
internal static class DashboardScriptCore
{
    public const string Js = """
        "use strict";
        const $ = (sel, root) => (root || document).querySelector(sel);
        // el("tag.class", {attr: value}, child, "text", ...): children that are strings become text nodes.
        function el(spec, attrs, ...children) {
          const [tag, ...classes] = spec.split(".");
          const e = document.createElement(tag);
          if (classes.length) e.className = classes.join(" ");
          for (const [k, v] of Object.entries(attrs || {})) {
            if (v == null || (v === false && !k.startsWith("data_"))) continue;
            if (k === "text") e.textContent = String(v);
            else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
            else if (k.startsWith("data_")) e.dataset[k.slice(5)] = String(v);
            else e.setAttribute(k, v === true ? "" : String(v));
          }
          append(e, children);
          return e;
        }
        function append(e, children) {
          for (const c of children.flat(Infinity)) {
            if (c == null || c === false) continue;
            e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
          }
          return e;
        }
        const SVG = "http://www.w3.org/2000/svg";
        function svg(tag, attrs, ...children) {
          const e = document.createElementNS(SVG, tag);
          for (const [k, v] of Object.entries(attrs || {})) {
            if (v == null) continue;
            if (k === "text") e.textContent = String(v);
            else if (k.startsWith("data_")) e.setAttribute("data-" + k.slice(5), String(v));
            else e.setAttribute(k, String(v));
          }
          for (const c of children.flat(Infinity)) if (c) e.appendChild(c);
          return e;
        }
        function badge(status) { return el("span.badge." + cssWord(status), { text: status || "unknown" }); }
        function cssWord(s) { return String(s || "none").replace(/[^A-Za-z0-9_-]/g, "_"); }
        function link(href, text, attrs) { return el("a", Object.assign({ href, text }, attrs || {})); }
        function enc(name) { return encodeURIComponent(name); }
        function routerHref(n) { return "#/http/routers/" + enc(n); }
        function serviceHref(n) { return "#/http/services/" + enc(n); }
        function middlewareHref(n) { return "#/http/middlewares/" + enc(n); }
        function when(iso) {
          if (!iso) return "never";
          const d = new Date(iso);
          const s = Math.round((Date.now() - d.getTime()) / 1000);
          const ago = s < 60 ? s + " s ago" : s < 3600 ? Math.round(s / 60) + " min ago" : Math.round(s / 3600) + " h ago";
          return d.toISOString().replace("T", " ").replace(/\..*/, " UTC") + " (" + ago + ")";
        }
        function qualify(name, owner) {
          if (name.includes("@")) return name;
          const at = owner.lastIndexOf("@");
          return name + (at >= 0 ? owner.slice(at) : "");
        }

        // The API client. A list request returns {items, next} (Traefik's X-Next-Page: 1 on the last page).
        const api = {
          async json(path) {
            const r = await fetch(path, { headers: { Accept: "application/json" } });
            if (!r.ok) {
              let msg = "HTTP " + r.status;
              try { msg = (await r.json()).message || msg; } catch (_) { }
              const e = new Error(path + ": " + msg); e.status = r.status; throw e;
            }
            return r.json();
          },
          async list(path, params) {
            const q = new URLSearchParams();
            for (const [k, v] of Object.entries(params)) if (v !== "" && v != null) q.set(k, v);
            const r = await fetch(path + "?" + q.toString());
            if (!r.ok) { let m = "HTTP " + r.status; try { m = (await r.json()).message || m; } catch (_) { } throw new Error(path + ": " + m); }
            const items = await r.json();
            return { items, next: parseInt(r.headers.get("X-Next-Page") || "1", 10) };
          },
        };

        // The hash router: #/overview, #/http/routers?query, #/http/routers/<name>, services, middlewares.
        const views = {};
        let current = { token: 0, refresh: null };
        function parseHash() {
          const h = location.hash.replace(/^#/, "") || "/overview";
          const q = h.indexOf("?");
          const path = q < 0 ? h : h.slice(0, q);
          const params = new URLSearchParams(q < 0 ? "" : h.slice(q + 1));
          const m = path.match(/^\/http\/(routers|services|middlewares)(?:\/(.+))?$/);
          if (m) return { view: m[2] ? m[1] + "Detail" : m[1], name: m[2] ? decodeURIComponent(m[2]) : null, params, section: m[1] };
          return { view: "overview", params, section: "overview" };
        }
        async function route() {
          const r = parseHash();
          const token = ++current.token;
          current.refresh = null;
          for (const a of document.querySelectorAll("header nav a")) {
            if (a.dataset.section === r.section) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
          }
          const main = $("#view");
          const started = performance.now();
          const view = views[r.view] || views.overview;
          try {
            const node = await view(r, () => token === current.token);
            if (token !== current.token) return;
            main.replaceChildren(node);
            main.dataset.view = r.view;
            main.dataset.renderMs = (performance.now() - started).toFixed(1);
            main.dataset.state = "ready";
            setStatus("");
            const h1 = $("h1", main);
            if (h1 && document.activeElement === document.body) { h1.setAttribute("tabindex", "-1"); }
            document.title = (h1 ? h1.textContent + " - " : "") + "Edge dashboard";
          } catch (e) {
            if (token !== current.token) return;
            console.error(e);
            main.replaceChildren(el("div.error-box", { role: "alert", data_stack: e && e.stack }, el("p", { text: e.message })));
            main.dataset.state = "error";
          }
        }
        function setStatus(text) { $("#status").textContent = text; }
        // Pages with live parts set current.refresh; it runs every few seconds while the page is shown.
        function live(fn) { current.refresh = fn; }
        setInterval(async () => {
          refreshHeader();
          const fn = current.refresh, token = current.token;
          if (!fn) return;
          try { await fn(() => token === current.token); } catch (e) { setStatus("Cannot refresh: " + e.message); }
        }, 3000);

        let status = null;
        async function edgeStatus(force) {
          if (!status || force) status = await api.json("/api/edge/status");
          return status;
        }
        async function refreshHeader() {
          try {
            const s = await edgeStatus(true);
            const c = s.configuration;
            const box = $("#config");
            box.className = "config" + (c.lastReloadSucceeded ? "" : " failed");
            box.textContent = "Configuration #" + c.generation + " applied " + when(c.appliedAt) +
              (c.lastReloadSucceeded ? "" : " | last reload FAILED: " + (c.lastReloadError || ""));
          } catch (e) { setStatus("Cannot read the API: " + e.message); }
        }
        """;
}
