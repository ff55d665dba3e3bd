using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Edge.Aggregation;
using Edge.Configuration;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Api;

/// <summary>The servers' health as the data plane's checkers see it: a version that moves on every change, and a service's statuses by URL.</summary>
public sealed record ServerStatusSource(Func<long> Version, Func<string, IReadOnlyDictionary<string, string>?> StatusOf);

/// <summary>
/// Traefik's API on the <c>traefik</c> entry point: /api/rawdata, /api/http/routers[/{name}],
/// /api/http/services[/{name}], /api/http/middlewares[/{name}] (lists with Traefik's query
/// parameters, see <see cref="ApiQuery"/>), /api/overview, /api/version, /api/entrypoints, /ping,
/// Edge's own /api/edge/* (see <see cref="EdgeApi"/>), and the dashboard (/dashboard/, with /
/// redirecting to it).
/// The raw data is rebuilt once per configuration generation, not per request.
/// </summary>
public sealed class ApiHandler(StaticConfig config, ConfigurationStore store, Func<IReadOnlyDictionary<string, string>>? routerErrors = null,
    Observability.Metrics.EdgeMetrics? metrics = null, Readiness? readiness = null, ServerStatusSource? serverStatus = null)
{
    private static readonly DateTimeOffset StartDate = DateTimeOffset.UtcNow;
    private (long Generation, long HealthVersion, ApiSnapshot Data)? _cache;

    public bool ApiEnabled => config.Api.Enabled && config.Api.Insecure;

    /// <summary>The sizes /debug/vars reports (api.debug); set by the host once everything it reads exists.</summary>
    public Observability.DebugVars? DebugVars { get; set; }

    /// <summary>The dashboard is served only where the API is (api.insecure), as in Traefik.</summary>
    public bool DashboardEnabled => ApiEnabled && config.Api.Dashboard;

    public IReadOnlyList<string> DefaultEntryPoints => config.DefaultEntryPoints();

    /// <summary>What /api/edge/* reads besides the configuration (set by the host; each may be absent).</summary>
    public EdgeStatusSources Sources { get; } = new();

    public RawData Current() => Snapshot().Raw;

    public ApiSnapshot Snapshot()
    {
        var applied = store.Current;
        var cached = _cache;
        // A server's health changes without a new configuration: the health version is part of the key.
        var healthVersion = serverStatus?.Version() ?? 0;
        if (cached is { } c && c.Generation == applied.Generation && c.HealthVersion == healthVersion) return c.Data;
        var data = ApiSnapshot.Build(RawDataBuilder.Build(applied.Config, DefaultEntryPoints, routerErrors?.Invoke(), serverStatus?.StatusOf,
            config.EntryPoints.Values.Where(e => e.IsUdp).Select(e => e.Name).Order(StringComparer.Ordinal).ToList()));
        _cache = (applied.Generation, healthVersion, data);
        return data;
    }

    /// <summary>Handles the request if it is an internal one; false lets the router try.</summary>
    public async Task<bool> TryHandleAsync(HttpContext ctx, string entryPoint)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (config.Ping.Enabled && path == "/ping" && entryPoint.Equals(config.Ping.EntryPoint, StringComparison.OrdinalIgnoreCase))
        {
            if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method)) return false;
            // Traefik answers terminatingStatusCode during shutdown; Edge also answers 503 until the
            // providers' first configuration is served (ping.waitForConfiguration, README).
            var status = Terminating ? config.Ping.TerminatingStatusCode
                : config.Ping.WaitForConfiguration && readiness is { Configured: false } ? 503 : 200;
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            await ctx.Response.WriteAsync(status == 200 ? "OK" : "Service Unavailable");
            return true;
        }
        if (metrics is not null && !config.Metrics.ManualRouting && path == "/metrics"
            && entryPoint.Equals(config.Metrics.PrometheusEntryPoint, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(ctx.Request.Method))
        {
            ctx.Response.ContentType = Observability.Metrics.PrometheusText.ContentType;
            await ctx.Response.WriteAsync(Observability.Metrics.PrometheusText.Write(metrics));
            return true;
        }
        if (!ApiEnabled || !entryPoint.Equals(StaticConfig.InternalEntryPoint, StringComparison.OrdinalIgnoreCase)) return false;
        if (config.Api.Debug && DebugVars is { } vars && path == "/debug/vars" && HttpMethods.IsGet(ctx.Request.Method))
        {
            ctx.Response.ContentType = "application/json; charset=utf-8";
            await ctx.Response.WriteAsync(vars.Write());
            return true;
        }
        if (DashboardEnabled && !path.StartsWith("/api", StringComparison.Ordinal)) return await TryDashboardAsync(ctx, path);
        if (!path.StartsWith("/api", StringComparison.Ordinal)) return false;
        if (!HttpMethods.IsGet(ctx.Request.Method)) { ctx.Response.StatusCode = 405; return true; }

        var snapshot = Snapshot();
        if (path.StartsWith("/api/edge/", StringComparison.Ordinal))
        {
            await new EdgeApi(config, store, snapshot, Sources).HandleAsync(ctx, path);
            return true;
        }
        switch (path.TrimEnd('/'))
        {
            case "/api/rawdata": await Json(ctx, snapshot.Raw, ApiJsonContext.Default.RawData); return true;
            case "/api/http/routers": await ListAsync(ctx, snapshot.Routers, (q, r) => q.Keep(r), (q, l) => q.Sort(l), ApiJsonContext.Default.ListRouterInfo); return true;
            case "/api/http/services": await ListAsync(ctx, snapshot.Services, (q, s) => q.Keep(s), (q, l) => q.Sort(l), ApiJsonContext.Default.ListServiceInfo); return true;
            case "/api/http/middlewares": await ListAsync(ctx, snapshot.Middlewares, (q, m) => q.Keep(m), (q, l) => q.Sort(l), ApiJsonContext.Default.ListMiddlewareInfo); return true;
            case "/api/overview": await Json(ctx, BuildOverview(snapshot.Raw), ApiJsonContext.Default.Overview); return true;
            case "/api/tcp/routers": await Json(ctx, Page(ctx, FilterTcp(ctx, TcpRawData.Routers(snapshot.Raw), r => (r.Name, r.Status))), ApiJsonContext.Default.ListTcpRouterInfo); return true;
            case "/api/tcp/services": await Json(ctx, Page(ctx, FilterTcp(ctx, TcpRawData.Services(snapshot.Raw), s => (s.Name, s.Status))), ApiJsonContext.Default.ListTcpServiceInfo); return true;
            case "/api/udp/routers": await Json(ctx, Page(ctx, FilterTcp(ctx, UdpRawData.Routers(snapshot.Raw), r => (r.Name, r.Status))), ApiJsonContext.Default.ListUdpRouterInfo); return true;
            case "/api/udp/services": await Json(ctx, Page(ctx, FilterTcp(ctx, UdpRawData.Services(snapshot.Raw), s => (s.Name, s.Status))), ApiJsonContext.Default.ListUdpServiceInfo); return true;
            case "/api/tcp/middlewares": await Json(ctx, Page(ctx, FilterTcp(ctx, TcpRawData.Middlewares(snapshot.Raw), m => (m.Name, m.Status))), ApiJsonContext.Default.ListTcpMiddlewareInfo); return true;
            case "/api/version":
                await Json(ctx, new VersionInfo { Version = EdgeVersion.Version, Codename = "edge", StartDate = StartDate }, ApiJsonContext.Default.VersionInfo);
                return true;
            case "/api/entrypoints":
                await Json(ctx, config.EntryPoints.Values.Select(e => new EntryPointInfo { Name = e.Name, Address = e.Address }).ToList(),
                    ApiJsonContext.Default.ListEntryPointInfo);
                return true;
        }
        if (TryName(path, "/api/http/routers/", out var routerName))
        {
            if (snapshot.RouterByName.TryGetValue(routerName, out var r)) await Json(ctx, r, ApiJsonContext.Default.RouterInfo);
            else await NotFound(ctx, "router not found: " + routerName);
            return true;
        }
        if (TryName(path, "/api/http/services/", out var serviceName))
        {
            if (snapshot.ServiceByName.TryGetValue(serviceName, out var sv)) await Json(ctx, sv, ApiJsonContext.Default.ServiceInfo);
            else await NotFound(ctx, "service not found: " + serviceName);
            return true;
        }
        if (TryName(path, "/api/http/middlewares/", out var middlewareName))
        {
            if (snapshot.MiddlewareByName.TryGetValue(middlewareName, out var m)) await Json(ctx, m, ApiJsonContext.Default.MiddlewareInfo);
            else await NotFound(ctx, "middleware not found: " + middlewareName);
            return true;
        }
        if (path.StartsWith("/api/tcp/", StringComparison.Ordinal) && await TryTcpItemAsync(ctx, path)) return true;
        if (path.StartsWith("/api/udp/", StringComparison.Ordinal) && await TryUdpItemAsync(ctx, path)) return true;
        await NotFound(ctx, "not found");
        return true;
    }

    /// <summary>/api/udp/{routers,services}/{name}.</summary>
    private async Task<bool> TryUdpItemAsync(HttpContext ctx, string path)
    {
        string Name(string prefix) => Uri.UnescapeDataString(path[prefix.Length..]);
        if (path.StartsWith("/api/udp/routers/", StringComparison.Ordinal))
        {
            var name = Name("/api/udp/routers/");
            if (UdpRawData.Routers(Current()).FirstOrDefault(x => x.Name == name) is { } r) await Json(ctx, r, ApiJsonContext.Default.UdpRouterInfo);
            else await NotFound(ctx, "router not found");
            return true;
        }
        if (path.StartsWith("/api/udp/services/", StringComparison.Ordinal))
        {
            var name = Name("/api/udp/services/");
            if (UdpRawData.Services(Current()).FirstOrDefault(x => x.Name == name) is { } s) await Json(ctx, s, ApiJsonContext.Default.UdpServiceInfo);
            else await NotFound(ctx, "service not found");
            return true;
        }
        return false;
    }

    /// <summary>/api/tcp/{routers,services,middlewares}/{name}.</summary>
    private async Task<bool> TryTcpItemAsync(HttpContext ctx, string path)
    {
        string Name(string prefix) => Uri.UnescapeDataString(path[prefix.Length..]);
        if (path.StartsWith("/api/tcp/routers/", StringComparison.Ordinal))
        {
            var name = Name("/api/tcp/routers/");
            if (TcpRawData.Routers(Current()).FirstOrDefault(x => x.Name == name) is { } r) await Json(ctx, r, ApiJsonContext.Default.TcpRouterInfo);
            else await NotFound(ctx, "router not found");
            return true;
        }
        if (path.StartsWith("/api/tcp/services/", StringComparison.Ordinal))
        {
            var name = Name("/api/tcp/services/");
            if (TcpRawData.Services(Current()).FirstOrDefault(x => x.Name == name) is { } s) await Json(ctx, s, ApiJsonContext.Default.TcpServiceInfo);
            else await NotFound(ctx, "service not found");
            return true;
        }
        if (path.StartsWith("/api/tcp/middlewares/", StringComparison.Ordinal))
        {
            var name = Name("/api/tcp/middlewares/");
            if (TcpRawData.Middlewares(Current()).FirstOrDefault(x => x.Name == name) is { } m) await Json(ctx, m, ApiJsonContext.Default.TcpMiddlewareInfo);
            else await NotFound(ctx, "middleware not found");
            return true;
        }
        return false;
    }

    private static List<T> FilterTcp<T>(HttpContext ctx, List<T> items, Func<T, (string? Name, string Status)> key)
    {
        var search = ctx.Request.Query["search"].ToString();
        var status = ctx.Request.Query["status"].ToString();
        return items.Where(i => key(i) is var (name, st)
            && (search.Length == 0 || (name ?? "").Contains(search, StringComparison.OrdinalIgnoreCase))
            && (status.Length == 0 || st == status)).ToList();
    }

    // Traefik's dashboard router is PathPrefix(`/`) on the traefik entry point: "/" redirects
    // (permanently, like its dashboard_redirect middleware) to /dashboard/, which serves the page.
    private static async Task<bool> TryDashboardAsync(HttpContext ctx, string path)
    {
        if (path is "/" or "/dashboard")
        {
            ctx.Response.StatusCode = 301;
            ctx.Response.Headers.Location = "/dashboard/";
            return true;
        }
        var (body, type) = path switch
        {
            "/dashboard/" or "/dashboard/index.html" => (Dashboard.DashboardPage.Html, "text/html; charset=utf-8"),
            "/dashboard/app.js" => (Dashboard.DashboardPage.Script, "text/javascript; charset=utf-8"),
            "/dashboard/app.css" => (Dashboard.DashboardPage.Css, "text/css; charset=utf-8"),
            _ => (null, null),
        };
        if (body is null) return false;
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method)) { ctx.Response.StatusCode = 405; return true; }
        ctx.Response.ContentType = type;
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Response.Headers.ContentSecurityPolicy = Dashboard.DashboardPage.ContentSecurityPolicy;
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        if (HttpMethods.IsGet(ctx.Request.Method)) await ctx.Response.WriteAsync(body);
        return true;
    }

    /// <summary>Set on SIGTERM so that /ping fails and load balancers stop sending traffic.</summary>
    public bool Terminating { get; set; }

    private static bool TryName(string path, string prefix, out string name)
    {
        name = "";
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || path.Length == prefix.Length) return false;
        name = Uri.UnescapeDataString(path[prefix.Length..]);
        return true;
    }

    /// <summary>
    /// A list endpoint as Traefik's: filter, sort, page (X-Next-Page), 400 for a bad page. The
    /// cached list is never sorted in place: a sort works on the filtered copy.
    /// </summary>
    private static async Task ListAsync<T>(HttpContext ctx, List<T> all, Func<ApiQuery, T, bool> keep, Action<ApiQuery, List<T>> sort, JsonTypeInfo<List<T>> type)
    {
        var query = ApiQuery.Parse(ctx.Request.Query, out var error);
        ctx.Response.ContentType = "application/json";
        if (error is not null) { await BadRequest(ctx, error); return; }
        var kept = new List<T>(all.Count);
        foreach (var item in all) if (keep(query, item)) kept.Add(item);
        sort(query, kept);
        if (!query.TryPage(kept, out var page, out var next, out error)) { await BadRequest(ctx, error!); return; }
        ctx.Response.Headers[ApiQuery.NextPageHeader] = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Json(ctx, page, type);
    }

    // The TCP lists: Traefik's page/per_page with X-Next-Page (the HTTP lists use ApiQuery).
    private static List<T> Page<T>(HttpContext ctx, List<T> items)
    {
        int perPage = int.TryParse(ctx.Request.Query["per_page"], out var pp) && pp > 0 ? pp : 100;
        int page = int.TryParse(ctx.Request.Query["page"], out var p) && p > 0 ? p : 1;
        var start = (page - 1) * perPage;
        ctx.Response.Headers["X-Next-Page"] = start + perPage < items.Count ? (page + 1).ToString() : "1";
        return start >= items.Count ? new List<T>() : items.GetRange(start, Math.Min(perPage, items.Count - start));
    }

    private static async Task BadRequest(HttpContext ctx, string message)
    {
        ctx.Response.StatusCode = 400;
        await Json(ctx, new ApiMessage { Message = message }, ApiJsonContext.Default.ApiMessage);
    }

    private Overview BuildOverview(RawData raw)
    {
        var o = new Overview();
        // Traefik's getProviders: the enabled providers by their static-configuration field names.
        if (config.FileProviderEnabled) o.Providers.Add("File");
        if (config.KubernetesIngressEnabled) o.Providers.Add("KubernetesIngress");
        if (config.KubernetesCrdEnabled) o.Providers.Add("KubernetesCRD");
        // As Traefik counts them: disabled is an error, warning a warning (the dashboard shows both).
        o.Http.Routers = Section(raw.Routers.Values.Select(r => r.Status).ToList());
        o.Http.Services = Section(raw.Services.Values.Select(s => s.Status).ToList());
        o.Http.Middlewares = Section(raw.Middlewares.Values.Select(m => m.Status).ToList());
        o.Tcp.Routers = Section(raw.TcpRouters?.Values.Select(r => r.Status).ToList() ?? []);
        o.Tcp.Services = Section(raw.TcpServices?.Values.Select(s => s.Status).ToList() ?? []);
        o.Tcp.Middlewares = Section(raw.TcpMiddlewares?.Values.Select(m => m.Status).ToList() ?? []);
        o.Udp.Routers = Section(raw.UdpRouters?.Values.Select(r => r.Status).ToList() ?? []);
        o.Udp.Services = Section(raw.UdpServices?.Values.Select(s => s.Status).ToList() ?? []);
        // Traefik names the first backend set: Prometheus for metrics, OTLP for tracing.
        o.Features = new OverviewFeatures
        {
            Metrics = config.Metrics.PrometheusEnabled ? "Prometheus" : "", Tracing = config.Tracing.Enabled ? "OTLP" : "", AccessLog = config.AccessLog.Enabled,
        };
        return o;
    }

    private static SectionCount Section(List<string> statuses) =>
        new() { Total = statuses.Count, Errors = statuses.Count(s => s == "disabled"), Warnings = statuses.Count(s => s == "warning") };

    internal static async Task Json<T>(HttpContext ctx, T value, JsonTypeInfo<T> type)
    {
        ctx.Response.ContentType = "application/json";
        // ApiJsonContext has only the fast-path writers (issue 18, size); streaming serialization
        // would ask for property metadata, so the answer is written whole.
        await ctx.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(value, type));
    }

    internal static async Task NotFound(HttpContext ctx, string message)
    {
        ctx.Response.StatusCode = 404;
        await Json(ctx, new ApiMessage { Message = message }, ApiJsonContext.Default.ApiMessage);
    }
}
