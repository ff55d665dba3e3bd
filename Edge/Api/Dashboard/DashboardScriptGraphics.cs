namespace Edge.Api.Dashboard;

/// <summary>
/// The dashboard script, part 2: the SVG drawings. The request flow (entry points → router →
/// middlewares in order → service → servers, coloured by status, each box a link) and the small
/// live-traffic charts. Each chart carries its numbers as data attributes and an aria-label, so a
/// screen reader (and a test) reads the values instead of the pixels.
/// </summary>
internal static class DashboardScriptGraphics
{
    public const string Js = """
        // columns: [[{label, kind, status, href, title}]] drawn left to right, every box of a column linked to every box of the next.
        function flowDiagram(columns, label) {
          const W = 160, H = 42, GX = 36, GY = 14, PAD = 8;
          const rows = Math.max(...columns.map(c => c.length), 1);
          const width = PAD * 2 + columns.length * W + (columns.length - 1) * GX;
          const height = PAD * 2 + rows * H + (rows - 1) * GY;
          const pos = columns.map((col, i) => col.map((_, j) => ({
            x: PAD + i * (W + GX), y: PAD + (height - PAD * 2 - (col.length * H + (col.length - 1) * GY)) / 2 + j * (H + GY) })));
          const root = svg("svg", { width, height, viewBox: "0 0 " + width + " " + height, role: "group", "aria-label": label });
          root.appendChild(svg("title", { text: label }));
          for (let i = 0; i + 1 < columns.length; i++)
            for (const a of pos[i]) for (const b of pos[i + 1])
              root.appendChild(svg("path", { class: "edge", d: `M${a.x + W},${a.y + H / 2} C${a.x + W + GX / 2},${a.y + H / 2} ${b.x - GX / 2},${b.y + H / 2} ${b.x},${b.y + H / 2}`,
                "marker-end": "url(#arrow)" }));
          const defs = svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" },
            svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#57606a" })));
          root.insertBefore(defs, root.firstChild);
          columns.forEach((col, i) => col.forEach((n, j) => {
            const { x, y } = pos[i][j];
            const text = n.label.length > 24 ? n.label.slice(0, 23) + "…" : n.label;
            const g = svg("g", { class: "node " + cssWord(n.status), data_kind: n.kind, data_name: n.label, data_status: n.status || "" },
              svg("title", { text: n.kind + ": " + (n.title || n.label) + (n.status ? " (" + n.status + ")" : "") }),
              svg("rect", { x, y, width: W, height: H, rx: 5 }),
              svg("text", { x: x + 8, y: y + 14, class: "kind", text: n.kind + (n.status && n.status !== "enabled" ? " · " + n.status : "") }),
              svg("text", { x: x + 8, y: y + 31, text }));
            if (n.href) {
              const a = svg("a", { href: n.href, "aria-label": n.kind + " " + (n.title || n.label) + (n.status ? ", " + n.status : "") });
              a.appendChild(g); root.appendChild(a);
            } else root.appendChild(g);
          }));
          return el("div.flow", {}, root);
        }

        const fmt = {
          rate: v => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) + "/s",
          share: v => (v * 100).toFixed(1) + "%",
          seconds: v => v >= 1 ? v.toFixed(2) + " s" : (v * 1000).toFixed(v >= 0.01 ? 0 : 1) + " ms",
        };

        // One small chart: lines = [{label, values}] (at most two), drawn on one scale.
        function chart(metric, title, lines, format, intervalSeconds) {
          const Wd = 300, Ht = 70, n = Math.max(...lines.map(l => l.values.length), 2);
          const max = Math.max(0, ...lines.flatMap(l => l.values));
          const top = max > 0 ? max * 1.1 : 1;
          const root = svg("svg", { viewBox: `0 0 ${Wd} ${Ht}`, preserveAspectRatio: "none", "aria-hidden": "true" },
            svg("line", { class: "axis", x1: 0, y1: Ht - 1, x2: Wd, y2: Ht - 1 }));
          lines.forEach((l, k) => {
            const pts = l.values.map((v, i) => `${(i / (n - 1) * Wd).toFixed(1)},${(Ht - 2 - v / top * (Ht - 6)).toFixed(1)}`).join(" ");
            root.appendChild(svg("polyline", { class: "s" + k, points: pts, "vector-effect": "non-scaling-stroke" }));
          });
          const last = lines.map(l => l.values.length ? l.values[l.values.length - 1] : 0);
          const minutes = Math.round(n * intervalSeconds / 60);
          const summary = title + " over the last " + minutes + " minutes: " +
            lines.map((l, k) => l.label + " now " + format(last[k]) + ", peak " + format(Math.max(0, ...l.values))).join("; ");
          const fig = el("figure.chart", { role: "img", "aria-label": summary, data_metric: metric, data_last: last[0], data_max: max,
              data_points: n, data_sum: lines[0].values.reduce((a, b) => a + b, 0).toFixed(3) },
            el("figcaption", {}, el("span", { text: title }),
              el("span", { text: "now " + lines.map((l, k) => format(last[k])).join(" / ") + " · peak " + format(Math.max(0, ...lines[lines.length - 1].values)) })),
            root,
            el("div.legend", {}, lines.map((l, k) => el("span.k" + k, { text: (k ? "  " : "") + "— " + l.label }))));
          return fig;
        }

        function trafficCharts(s, intervalSeconds) {
          return el("div.charts", { data_series: s.kind + ":" + s.name },
            chart("rate", "Requests", [{ label: "requests/s", values: s.rate }], fmt.rate, intervalSeconds),
            chart("errors", "Error share", [{ label: "4xx", values: s.share4xx }, { label: "5xx", values: s.share5xx }], fmt.share, intervalSeconds),
            chart("latency", "Latency", [{ label: "p50", values: s.p50 }, { label: "p99", values: s.p99 }], fmt.seconds, intervalSeconds));
        }

        // A live traffic section for one router or service: replaced in place every few seconds.
        async function trafficSection(kind, name) {
          const box = el("section", { "aria-labelledby": "traffic-h", data_traffic: kind + ":" + name },
            el("h2", { id: "traffic-h", text: "Live traffic" }));
          const body = el("div", { "aria-live": "off" });
          box.appendChild(body);
          const fill = async () => {
            const t = await api.json("/api/edge/traffic?kind=" + kind + "&name=" + enc(name));
            if (!t.enabled || t.reason) { body.replaceChildren(el("p.note", { text: t.reason || "Live traffic is off." })); if (!t.enabled) return; }
            const s = t.series[0] || { kind, name, rate: [], share4xx: [], share5xx: [], p50: [], p99: [] };
            const note = el("p.note", { text: t.series.length ? s.requests + " requests in the window; sampled every " + t.intervalSeconds +
              " s; p50/p99 estimated from the metrics.prometheus.buckets histogram." : "No request in the last minutes." });
            body.replaceChildren(...(t.reason ? [el("p.note", { text: t.reason })] : []), trafficCharts(s, t.intervalSeconds), note);
          };
          await fill();
          return { node: box, refresh: fill };
        }
        """;
}
