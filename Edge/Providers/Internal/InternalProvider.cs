using Edge.Configuration;
using Edge.Model;

namespace Edge.Providers.Internal;

/// <summary>
/// Traefik's <c>internal</c> provider: the routers, services and middlewares of what Edge serves
/// itself (the API, the dashboard, ping), a pure function of the static configuration handed to the
/// aggregator like any provider's. Their references are written qualified (<c>api@internal</c>),
/// as Traefik's internal provider writes them. The data plane never routes them: the API handler
/// answers them on their entry point; they exist so that /api/rawdata shows them as Traefik does.
/// </summary>
public static class InternalProvider
{
    /// <summary>Traefik's pkg/provider/traefik/internal.go createConfiguration, for what Edge serves.</summary>
    public static DynamicConfig Configuration(StaticConfig config)
    {
        var c = new DynamicConfig();
        if (config.Api.Enabled)
        {
            if (config.Api.Insecure)
            {
                Router(c, "api", StaticConfig.InternalEntryPoint, "PathPrefix(`/api`)", long.MaxValue - 1, "api");
                if (config.Api.Dashboard)
                {
                    Router(c, "dashboard", StaticConfig.InternalEntryPoint, "PathPrefix(`/`)", long.MaxValue - 2, "dashboard",
                        ["dashboard_redirect@internal", "dashboard_stripprefix@internal"]);
                    c.Http.Middlewares["dashboard_redirect"] = new Middleware
                    {
                        RedirectRegex = new RedirectRegexConfig { Regex = @"^(http:\/\/(\[[\w:.]+\]|[\w\._-]+)(:\d+)?)\/$", Replacement = "${1}/dashboard/", Permanent = true },
                    };
                    c.Http.Middlewares["dashboard_stripprefix"] = new Middleware { StripPrefix = new StripPrefixConfig { Prefixes = ["/dashboard/", "/dashboard"] } };
                }
                if (config.Api.Debug) Router(c, "debug", StaticConfig.InternalEntryPoint, "PathPrefix(`/debug`)", long.MaxValue - 1, "api");
            }
            c.Http.Services["api"] = new Service();
            if (config.Api.Dashboard) c.Http.Services["dashboard"] = new Service();
        }
        if (config.Ping.Enabled)
        {
            Router(c, "ping", config.Ping.EntryPoint, "PathPrefix(`/ping`)", long.MaxValue, "ping");
            c.Http.Services["ping"] = new Service();
        }
        if (config.Metrics.PrometheusEnabled)
        {
            if (!config.Metrics.ManualRouting)
                Router(c, "prometheus", config.Metrics.PrometheusEntryPoint, "PathPrefix(`/metrics`)", long.MaxValue, "prometheus");
            c.Http.Services["prometheus"] = new Service();
        }
        // Traefik's target for entry point redirections: always there.
        c.Http.Services["noop"] = new Service();
        return c;
    }

    private static void Router(DynamicConfig c, string name, string entryPoint, string rule, long priority, string service, List<string>? middlewares = null) =>
        c.Http.Routers[name] = new Router
        {
            EntryPoints = [entryPoint], Service = service + "@" + ProviderNames.Internal, Rule = rule,
            RuleSyntax = "default", Priority = priority, Middlewares = middlewares,
        };
}
