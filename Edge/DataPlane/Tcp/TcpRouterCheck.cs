using Edge.Aggregation;
using Edge.Model;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// Why a TCP router is not served, with Traefik's texts (pkg/server/router/tcp/manager.go and the
/// TCP service and middleware builders). Pure: the data plane skips these routers and the API shows
/// them disabled with the same reason.
/// </summary>
public static class TcpRouterCheck
{
    public static Dictionary<string, string> Errors(DynamicConfig config, bool defaultV2 = false)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.Tcp is not { } tcp) return errors;
        foreach (var (name, router) in tcp.Routers)
            if (RouterError(config, tcp, name, router, defaultV2) is { } error) errors[name] = error;
        return errors;
    }

    private static string? RouterError(DynamicConfig config, TcpConfig tcp, string name, TcpRouter r, bool defaultV2)
    {
        if (r.DisabledReason is { } disabled) return disabled;
        if (r.Service.Length == 0) return "the service is missing on the router";
        if (r.Rule.Length == 0) return "router has no rule";
        var rule = TcpRule.Compile(r.Rule, IsV2(r.RuleSyntax, defaultV2), out var ruleError);
        if (rule is null) return $"invalid rule: \"{r.Rule}\" , {ruleError}";
        if (rule.HostSni.Count > 0 && r.Tls is null && rule.HostSni[0] != "*")
            return $"invalid rule: \"{r.Rule}\" , has HostSNI matcher, but no TLS on router";
        if (r.Tls is { Passthrough: false } tls)
        {
            foreach (var d in rule.HostSni)
                if (d.Any(c => c > 127)) return $"invalid domain name value \"{d}\", non-ASCII characters are not allowed";
            if (!string.IsNullOrEmpty(tls.Options) && tls.Options != "default")
            {
                var qualified = ProviderNames.Qualify(tls.Options, ProviderNames.ProviderOf(name));
                if (ReferenceCheck.FindTlsOptions(config, qualified, ProviderNames.Kubernetes) is null) return $"unknown TLS options: {qualified}";
            }
        }
        foreach (var m in r.Middlewares ?? [])
        {
            var key = ProviderNames.Resolve(m, name);
            var shown = ProviderNames.Qualify(m, ProviderNames.ProviderOf(name));
            if (!tcp.Middlewares.TryGetValue(key, out var middleware)) return $"middleware \"{shown}\" does not exist";
            if (MiddlewareError(middleware, shown) is { } me) return me;
        }
        return ServiceError(tcp, ProviderNames.Resolve(r.Service, name), name);
    }

    /// <summary>
    /// The dialer of a load balancer: its servers transport (qualified with the service's provider,
    /// Traefik's "no transport configuration found" when absent) or the service's own settings.
    /// </summary>
    public static TcpDialer? Dialer(TcpConfig tcp, TcpServersLoadBalancer lb, string service, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(lb.ServersTransport)) return TcpDialer.ForService(lb);
        var key = ProviderNames.Resolve(lb.ServersTransport, service);
        var shown = ProviderNames.Qualify(lb.ServersTransport, ProviderNames.ProviderOf(service));
        if (tcp.ServersTransports?.TryGetValue(key, out var st) != true || st is null)
        {
            error = $"no transport configuration found for \"{shown}\"";
            return null;
        }
        try { return TcpDialer.ForTransport(st); }
        catch (FormatException e)
        {
            error = $"servers transport \"{shown}\": {e.Message}";
            return null;
        }
    }

    public static bool IsV2(string? ruleSyntax, bool defaultV2) =>
        string.IsNullOrEmpty(ruleSyntax) ? defaultV2 : ruleSyntax == "v2";

    /// <summary>Traefik refuses a TCP middleware with no type or several; Edge serves ipAllowList (ipWhiteList) and inFlightConn.</summary>
    public static string? MiddlewareError(TcpMiddleware m, string shown)
    {
        int types = (m.IpAllowList is null ? 0 : 1) + (m.IpWhiteList is null ? 0 : 1) + (m.InFlightConn is null ? 0 : 1);
        if (types == 0) return $"invalid middleware \"{shown}\" configuration: invalid middleware type or middleware does not exist";
        if (types > 1) return $"invalid middleware \"{shown}\" configuration: multi-types middleware not supported, consider declaring two different pieces of middleware instead";
        foreach (var range in (m.IpAllowList ?? m.IpWhiteList)?.SourceRange ?? [])
            if (!Routing.IpPrefix.TryParse(range.Trim(), out _, out var why)) return $"middleware \"{shown}\": {why}";
        return null;
    }

    /// <summary>Why the service stored under <paramref name="key"/> (referenced by <paramref name="owner"/>) cannot be served, or null.</summary>
    public static string? ServiceError(TcpConfig tcp, string key, string owner, int depth = 0)
    {
        var shown = ProviderNames.Qualify(key, ProviderNames.ProviderOf(owner));
        if (depth > 32) return $"service \"{shown}\": too many nested services (a loop?)";
        if (!tcp.Services.TryGetValue(key, out var s)) return $"the service \"{shown}\" does not exist";
        if (s.LoadBalancer is not null && s.Weighted is not null) return $"service \"{shown}\": cannot create service: multi-types service not supported, consider declaring two different pieces of service instead";
        if (s.LoadBalancer is { } lb)
        {
            if (string.IsNullOrEmpty(lb.ServersTransport) && lb.ProxyProtocol is { Version: not (0 or 1 or 2) } pp) return $"service \"{shown}\": unknown proxyProtocol version {pp.Version}";
            if (Dialer(tcp, lb, key, out var transportError) is null) return transportError;
            foreach (var server in lb.Servers ?? [])
                if (server.Address.LastIndexOf(':') <= 0) return $"service \"{shown}\": address {server.Address}: missing port in address";
            return null;
        }
        if (s.Weighted is { } w)
        {
            foreach (var child in w.Services ?? [])
                if (ServiceError(tcp, ProviderNames.Resolve(child.Name, key), key, depth + 1) is { } e) return e;
            return null;
        }
        return $"service \"{shown}\": cannot create service: invalid service type or service does not exist";
    }
}
