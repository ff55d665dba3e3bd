using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Edge.Aggregation;
using Edge.Configuration;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Api;

/// <summary>
/// Traefik's API on the <c>traefik</c> entry point: /api/rawdata, /api/http/routers[/{name}],
/// /api/http/services[/{name}], /api/overview, /api/version, /api/entrypoints, /ping, and the
/// dashboard (/dashboard/, with / redirecting to it).
/// The raw data is rebuilt once per configuration generation, not per request.
/// </summary>
public sealed class ApiHandler(StaticConfig config, ConfigurationStore store, Func<IReadOnlyDictionary<string, string>>? routerErrors = null,
    Observability.Metrics.EdgeMetrics? metrics = null, Readiness? readiness = null)
{
    private static readonly DateTimeOffset StartDate = DateTimeOffset.UtcNow;
    private (long Generation, RawData Data)? _cache;

    public bool ApiEnabled => config.Api.Enabled && config.Api.Insecure;

    /// <summary>The sizes /debug/vars reports (api.debug); set by the host once everything it reads exists.</summary>
    public Observability.DebugVars? DebugVars { get; set; }

    /// <summary>The dashboard is served only where the API is (api.insecure), as in Traefik.</summary>
    public bool DashboardEnabled => ApiEnabled && config.Api.Dashboard;

    public IReadOnlyList<string> DefaultEntryPoints => config.DefaultEntryPoints();

    public RawData Current()
    {
        var applied = store.Current;
        var cached = _cache;
        if (cached is { } c && c.Generation == applied.Generation) return c.Data;
        var data = RawDataBuilder.Build(applied.Config, DefaultEntryPoints, routerErrors?.Invoke());
        _cache = (applied.Generation, data);
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

        switch (path.TrimEnd('/'))
        {
            case "/api/rawdata": await Json(ctx, Current(), ApiJsonContext.Default.RawData); return true;
            case "/api/http/routers": await Json(ctx, Page(ctx, Filter(ctx, Routers())), ApiJsonContext.Default.ListRouterInfo); return true;
            case "/api/http/services": await Json(ctx, Page(ctx, Filter(ctx, Services())), ApiJsonContext.Default.ListServiceInfo); return true;
            case "/api/tcp/routers": await Json(ctx, Page(ctx, FilterTcp(ctx, TcpRawData.Routers(Current()), r => (r.Name, r.Status))), ApiJsonContext.Default.ListTcpRouterInfo); return true;
            case "/api/tcp/services": await Json(ctx, Page(ctx, FilterTcp(ctx, TcpRawData.Services(Current()), s => (s.Name, s.Status))), ApiJsonContext.Default.ListTcpServiceInfo); return true;
            case "/api/tcp/middlewares": await Json(ctx, Page(ctx, FilterTcp(ctx, TcpRawData.Middlewares(Current()), m => (m.Name, m.Status))), ApiJsonContext.Default.ListTcpMiddlewareInfo); return true;
            case "/api/overview": await Json(ctx, BuildOverview(), ApiJsonContext.Default.Overview); return true;
            case "/api/version":
                await Json(ctx, new VersionInfo { Version = EdgeVersion.Version, Codename = "edge", StartDate = StartDate }, ApiJsonContext.Default.VersionInfo);
                return true;
            case "/api/entrypoints":
                await Json(ctx, config.EntryPoints.Values.Select(e => new EntryPointInfo { Name = e.Name, Address = e.Address }).ToList(),
                    ApiJsonContext.Default.ListEntryPointInfo);
                return true;
        }
        if (path.StartsWith("/api/http/routers/", StringComparison.Ordinal))
        {
            var name = Uri.UnescapeDataString(path["/api/http/routers/".Length..]);
            var r = Routers().FirstOrDefault(x => x.Name == name);
            if (r is null) await NotFound(ctx, "router not found");
            else await Json(ctx, r, ApiJsonContext.Default.RouterInfo);
            return true;
        }
        if (path.StartsWith("/api/http/services/", StringComparison.Ordinal))
        {
            var name = Uri.UnescapeDataString(path["/api/http/services/".Length..]);
            var s = Services().FirstOrDefault(x => x.Name == name);
            if (s is null) await NotFound(ctx, "service not found");
            else await Json(ctx, s, ApiJsonContext.Default.ServiceInfo);
            return true;
        }
        if (path.StartsWith("/api/tcp/", StringComparison.Ordinal) && await TryTcpItemAsync(ctx, path)) return true;
        await NotFound(ctx, "not found");
        return true;
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
        if (path is not ("/dashboard/" or "/dashboard/index.html")) return false;
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method)) { ctx.Response.StatusCode = 405; return true; }
        ctx.Response.ContentType = "text/html; charset=utf-8";
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Response.Headers.ContentSecurityPolicy = DashboardPage.ContentSecurityPolicy;
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        await ctx.Response.WriteAsync(DashboardPage.Html);
        return true;
    }

    /// <summary>Set on SIGTERM so that /ping fails and load balancers stop sending traffic.</summary>
    public bool Terminating { get; set; }

    private List<RouterInfo> Routers() => Current().Routers.Select(kv => new RouterInfo
    {
        EntryPoints = kv.Value.EntryPoints, Middlewares = kv.Value.Middlewares, Service = kv.Value.Service, Rule = kv.Value.Rule,
        RuleSyntax = kv.Value.RuleSyntax, Priority = kv.Value.Priority, Tls = kv.Value.Tls, Observability = kv.Value.Observability,
        Error = kv.Value.Error, Status = kv.Value.Status, Using = kv.Value.Using, Name = kv.Key, Provider = ProviderOf(kv.Key),
    }).ToList();

    private List<ServiceInfo> Services() => Current().Services.Select(kv => new ServiceInfo
    {
        LoadBalancer = kv.Value.LoadBalancer, Weighted = kv.Value.Weighted, Mirroring = kv.Value.Mirroring, Failover = kv.Value.Failover,
        Middlewares = kv.Value.Middlewares, Error = kv.Value.Error, Status = kv.Value.Status,
        UsedBy = kv.Value.UsedBy, ServerStatus = kv.Value.ServerStatus, Name = kv.Key, Provider = ProviderOf(kv.Key),
        Type = kv.Value.LoadBalancer is not null ? "loadbalancer" : kv.Value.Weighted is not null ? "weighted"
            : kv.Value.Mirroring is not null ? "mirroring" : kv.Value.Failover is not null ? "failover" : null,
    }).ToList();

    private static string ProviderOf(string name) => ProviderNames.ProviderOf(name);

    // Traefik's ?search= (substring of the name), ?status=, ?serviceName= filters.
    private static List<T> Filter<T>(HttpContext ctx, List<T> items) where T : class
    {
        var search = ctx.Request.Query["search"].ToString();
        var status = ctx.Request.Query["status"].ToString();
        return items.Where(i =>
        {
            var (name, st) = i switch
            {
                RouterInfo r => (r.Name ?? "", r.Status),
                ServiceInfo s => (s.Name ?? "", s.Status),
                _ => ("", ""),
            };
            return (search.Length == 0 || name.Contains(search, StringComparison.OrdinalIgnoreCase))
                && (status.Length == 0 || st == status);
        }).ToList();
    }

    private static List<T> Page<T>(HttpContext ctx, List<T> items)
    {
        int perPage = int.TryParse(ctx.Request.Query["per_page"], out var pp) && pp > 0 ? pp : 100;
        int page = int.TryParse(ctx.Request.Query["page"], out var p) && p > 0 ? p : 1;
        var start = (page - 1) * perPage;
        ctx.Response.Headers["X-Next-Page"] = start + perPage < items.Count ? (page + 1).ToString() : "1";
        return start >= items.Count ? new List<T>() : items.GetRange(start, Math.Min(perPage, items.Count - start));
    }

    private Overview BuildOverview()
    {
        var raw = Current();
        var o = new Overview();
        // Traefik's getProviders: the enabled providers by their static-configuration field names.
        if (config.FileProviderEnabled) o.Providers.Add("File");
        if (config.KubernetesIngressEnabled) o.Providers.Add("KubernetesIngress");
        if (config.KubernetesCrdEnabled) o.Providers.Add("KubernetesCRD");
        // As Traefik counts them: disabled is an error, warning a warning (the dashboard shows both).
        o.Http.Routers = Section(raw.Routers.Values.Select(r => r.Status).ToList());
        o.Http.Services = Section(raw.Services.Values.Select(s => s.Status).ToList());
        o.Http.Middlewares = Section(raw.Middlewares.Values.Select(m => m.Status).ToList());
        o.Features = new OverviewFeatures { Metrics = config.Metrics.PrometheusEnabled ? "Prometheus" : "", AccessLog = config.AccessLog.Enabled };
        return o;
    }

    private static SectionCount Section(List<string> statuses) =>
        new() { Total = statuses.Count, Errors = statuses.Count(s => s == "disabled"), Warnings = statuses.Count(s => s == "warning") };

    private static async Task Json<T>(HttpContext ctx, T value, JsonTypeInfo<T> type)
    {
        ctx.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(ctx.Response.Body, value, type);
    }

    private static async Task NotFound(HttpContext ctx, string message)
    {
        ctx.Response.StatusCode = 404;
        await Json(ctx, new ApiMessage { Message = message }, ApiJsonContext.Default.ApiMessage);
    }
}
