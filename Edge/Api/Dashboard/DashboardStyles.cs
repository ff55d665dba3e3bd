namespace Edge.Api.Dashboard;

/// <summary>
/// The dashboard's stylesheet (/dashboard/app.css). System fonts only, no external resource.
/// Colours keep at least 4.5:1 contrast on their background (WCAG AA), status is always also
/// written as a word, and every focusable element has a visible focus ring.
/// </summary>
internal static class DashboardStyles
{
    public const string Css = """
        :root { --fg: #1b1f24; --muted: #4a5360; --bg: #ffffff; --panel: #f5f7fa; --line: #d0d7de; --accent: #0b57d0;
          --ok: #17702b; --ok-bg: #e7f4ea; --warn: #7a4d00; --warn-bg: #fff4d6; --err: #b3261e; --err-bg: #fde8e6; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible, [tabindex]:focus-visible {
          outline: 3px solid #ffb000; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5em; }
        .skip:focus { left: .5em; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 1em; padding: .6em 1.2em; background: #102a43; color: #fff; }
        header .brand { font-weight: 700; font-size: 1.15em; color: #fff; text-decoration: none; }
        header nav a { color: #dbe7f3; text-decoration: none; padding: .35em .6em; border-radius: 4px; }
        header nav a[aria-current="page"] { background: #fff; color: #102a43; font-weight: 600; }
        header .config { margin-left: auto; font-size: .9em; color: #dbe7f3; }
        header .config.failed { color: #ffd7d2; font-weight: 600; }
        main { padding: 1em 1.2em 3em; max-width: 1400px; }
        h1 { font-size: 1.35em; margin: .2em 0 .6em; word-break: break-all; }
        h2 { font-size: 1.1em; margin: 1.4em 0 .5em; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: .8em; }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .7em .9em; }
        .card h3 { margin: 0 0 .4em; font-size: 1em; }
        .counts { display: flex; gap: .5em; flex-wrap: wrap; }
        .counts a { text-decoration: none; padding: .2em .55em; border-radius: 4px; border: 1px solid var(--line); color: var(--fg); background: #fff; }
        .counts a strong { font-size: 1.15em; }
        .enabled, .ok { color: var(--ok); } .warning { color: var(--warn); } .disabled, .missing, .err { color: var(--err); }
        .badge { display: inline-block; padding: 0 .45em; border-radius: 3px; font-size: .85em; font-weight: 600; border: 1px solid currentColor; }
        .badge.enabled, .badge.ok, .badge.UP { color: var(--ok); background: var(--ok-bg); }
        .badge.warning { color: var(--warn); background: var(--warn-bg); }
        .badge.disabled, .badge.missing, .badge.DOWN, .badge.off { color: var(--err); background: var(--err-bg); }
        .badge.off { color: var(--muted); background: #eef1f4; }
        .error-box { border: 1px solid var(--err); background: var(--err-bg); color: var(--err); border-radius: 6px; padding: .6em .8em; margin: .6em 0; }
        .error-box p { margin: .2em 0; }
        .error-text { color: var(--err); font-size: .92em; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--panel); white-space: nowrap; }
        th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: var(--fg); }
        td.mono, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
        .toolbar { display: flex; flex-wrap: wrap; gap: .8em; align-items: end; margin: .4em 0 .8em; }
        .toolbar label { display: flex; flex-direction: column; font-size: .85em; color: var(--muted); gap: .15em; }
        input, select, button.btn { font: inherit; padding: .3em .5em; border: 1px solid #8c959f; border-radius: 4px; background: #fff; color: var(--fg); }
        button.btn { cursor: pointer; }
        button.btn[disabled] { color: #6e7781; cursor: default; }
        .pager { display: flex; gap: .6em; align-items: center; margin-top: .6em; }
        dl.props { display: grid; grid-template-columns: max-content 1fr; gap: .3em 1em; margin: 0; }
        dl.props dt { font-weight: 600; color: var(--muted); }
        dl.props dd { margin: 0; word-break: break-all; }
        ol.chain { margin: .2em 0; padding-left: 1.4em; }
        .flow { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5em; }
        .flow svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
        .flow .node rect { fill: #fff; stroke: #57606a; stroke-width: 1.5; }
        .flow .node.enabled rect, .flow .node.UP rect { stroke: var(--ok); }
        .flow .node.warning rect { stroke: var(--warn); }
        .flow .node.disabled rect, .flow .node.missing rect, .flow .node.DOWN rect { stroke: var(--err); fill: var(--err-bg); stroke-width: 2.5; }
        .flow .edge { stroke: #57606a; stroke-width: 1.5; fill: none; }
        .flow .kind { fill: var(--muted); font-size: 10px; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: .8em; }
        figure.chart { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5em .7em; }
        figure.chart figcaption { font-weight: 600; font-size: .9em; display: flex; justify-content: space-between; gap: .5em; }
        figure.chart svg { width: 100%; height: 70px; display: block; }
        figure.chart .axis { stroke: var(--line); }
        figure.chart .s0 { stroke: var(--accent); fill: none; stroke-width: 1.8; }
        figure.chart .s1 { stroke: var(--err); fill: none; stroke-width: 1.8; }
        figure.chart .legend { font-size: .8em; color: var(--muted); }
        .legend .k0 { color: var(--accent); } .legend .k1 { color: var(--err); }
        .note { color: var(--muted); font-size: .9em; }
        #status:empty { display: none; }
        .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        """;
}
