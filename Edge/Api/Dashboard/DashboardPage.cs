using System.Text;

namespace Edge.Api.Dashboard;

/// <summary>
/// The dashboard served at /dashboard/ on the traefik entry point: one page, its stylesheet
/// (/dashboard/app.css) and its script (/dashboard/app.js), compiled into the binary as string
/// constants (no build step, no CDN, no font, nothing to trim). The script is a hash-routed
/// single page (#/overview, #/http/routers[/name], #/http/services[/name],
/// #/http/middlewares[/name]) reading the same API a script would. Every value from the cluster
/// is inserted as text, never as HTML, and the policy below forbids inline script.
/// </summary>
public static class DashboardPage
{
    /// <summary>Script and style from this origin only, no inline script; data from this origin only.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public const string Html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Edge dashboard</title>
        <link rel="stylesheet" href="/dashboard/app.css">
        <script src="/dashboard/app.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#view">Skip to content</a>
        <header>
          <a class="brand" href="#/overview">Edge</a>
          <nav aria-label="Sections">
            <a href="#/overview" data-section="overview">Overview</a>
            <a href="#/http/routers" data-section="routers">Routers</a>
            <a href="#/http/services" data-section="services">Services</a>
            <a href="#/http/middlewares" data-section="middlewares">Middlewares</a>
          </nav>
          <span id="config" class="config" aria-live="polite"></span>
        </header>
        <div id="status" role="status" class="error-box"></div>
        <main id="view" tabindex="-1" data-state="loading"><p>Loading…</p></main>
        <noscript>The dashboard needs JavaScript; the same data is at /api/rawdata.</noscript>
        </body>
        </html>
        """;

    public const string Css = DashboardStyles.Css;

    public static readonly string Script = string.Concat(
        DashboardScriptCore.Js, "\n", DashboardScriptGraphics.Js, "\n", DashboardScriptOverview.Js, "\n",
        DashboardScriptLists.Js, "\n", DashboardScriptDetails.Js, "\n", Start);

    private const string Start = """
        window.addEventListener("hashchange", route);
        refreshHeader();
        route();
        """;

    /// <summary>What the page costs in the binary (UTF-16 string data is twice this; the README quotes both).</summary>
    public static int Utf8Bytes => Encoding.UTF8.GetByteCount(Html) + Encoding.UTF8.GetByteCount(Css) + Encoding.UTF8.GetByteCount(Script);
}
