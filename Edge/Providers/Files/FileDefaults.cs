using Edge.Model;

namespace Edge.Providers.Files;

/// <summary>
/// What Traefik does to a file's configuration after decoding it: the SetDefaults of the types it
/// created (a load balancer passes the Host header, wrr, flushInterval 100ms; a sticky cookie's
/// path is /), and the middleware checks of its runtime (one type per middleware). References are
/// written qualified (<c>x@file</c>) because Edge's data plane resolves names in the merged
/// configuration, where another provider's unqualified name would mean the Ingress provider's.
/// </summary>
public static class FileDefaults
{
    public const string Provider = ProviderNames.File;

    public static void Apply(DynamicConfig config)
    {
        foreach (var router in config.Http.Routers.Values)
        {
            if (router.DisabledReason is not null) continue;
            router.Service = Qualify(router.Service);
            router.Middlewares = QualifyAll(router.Middlewares);
            // "default" is Traefik's implicit TLS option, the same whatever the provider.
            if (router.Tls?.Options is { Length: > 0 } options && options != "default") router.Tls.Options = Qualify(options);
        }
        foreach (var service in config.Http.Services.Values)
        {
            service.Middlewares = QualifyAll(service.Middlewares);
            if (service.LoadBalancer is { } lb)
            {
                lb.Strategy ??= "wrr";
                lb.PassHostHeader ??= true;
                lb.ResponseForwarding ??= new ResponseForwarding();
                lb.ResponseForwarding.FlushInterval ??= "100ms";
                if (lb.Sticky?.Cookie is { } cookie) cookie.Path ??= "/";
                if (lb.ServersTransport is { Length: > 0 } st) lb.ServersTransport = Qualify(st);
                lb.HealthCheck?.SetDefaults();
            }
            // Services of services: Traefik's SetDefaults of Mirroring, FailoverError, WRRService and Cookie.
            if (service.Mirroring is { } mirroring)
            {
                mirroring.MirrorBody ??= true;
                mirroring.MaxBodySize ??= -1;
            }
            if (service.Failover is { } failover)
            {
                if (failover.Errors is { } errors) errors.MaxRequestBodyBytes ??= -1;
            }
            if (service.Weighted is { } weighted)
            {
                foreach (var child in weighted.Services ?? []) child.Weight ??= 1;
                if (weighted.Sticky?.Cookie is { } cookie) cookie.Path ??= "/";
            }
        }
        foreach (var middleware in config.Http.Middlewares.Values)
        {
            if (middleware.Error is not null) continue;
            if (middleware.Chain is { } chain) chain.Middlewares = QualifyAll(chain.Middlewares);
            // Traefik's SetDefaults of the types the file decoder created.
            if (middleware.Retry is { } retry) retry.MaxRequestBodyBytes ??= DataPlane.Middlewares.MiddlewareBuilder.DefaultRetryMaxRequestBodyBytes;
            if (middleware.CircuitBreaker is { } breaker)
            {
                breaker.CheckPeriod ??= "100ms";
                breaker.FallbackDuration ??= "10s";
                breaker.RecoveryDuration ??= "10s";
                breaker.ResponseCode ??= 503;
            }
        }
    }

    private static string Qualify(string name) => name.Length == 0 ? name : ProviderNames.Qualify(name, Provider);

    private static List<string>? QualifyAll(List<string>? names) => names?.Select(Qualify).ToList();
}
