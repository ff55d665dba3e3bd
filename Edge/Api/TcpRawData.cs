using Edge.DataPlane.Tcp;
using Edge.Model;

namespace Edge.Api;

/// <summary>
/// The TCP part of /api/rawdata (<c>tcpRouters</c>, <c>tcpMiddlewares</c>, <c>tcpServices</c>) and
/// of /api/tcp/*: names qualified, default entry points and priorities filled in, a router Edge
/// does not serve disabled with the reason (<see cref="TcpRouterCheck"/>, the data plane's own).
/// </summary>
public static class TcpRawData
{
    public static void Add(RawData raw, DynamicConfig config, IReadOnlyList<string> defaultEntryPoints)
    {
        if (config.Tcp is not { IsEmpty: false } tcp) return;
        var errors = TcpRouterCheck.Errors(config);
        var usedBy = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Use(string key, string router)
        {
            if (!usedBy.TryGetValue(key, out var set)) usedBy[key] = set = new(StringComparer.Ordinal);
            set.Add(router);
        }
        raw.TcpRouters = new(StringComparer.Ordinal);
        foreach (var (name, r) in tcp.Routers)
        {
            var qualified = ProviderNames.Qualify(name);
            var eps = r.EntryPoints is { Count: > 0 } ? r.EntryPoints : defaultEntryPoints.ToList();
            var info = new TcpRouterInfo
            {
                EntryPoints = eps, Middlewares = r.Middlewares?.Select(m => ProviderNames.Qualify(m, ProviderNames.ProviderOf(name))).ToList(),
                Service = r.Service, Rule = r.Rule, RuleSyntax = r.RuleSyntax,
                Priority = r.Priority != 0 ? r.Priority : TcpRule.DefaultPriority(r.Rule), Tls = r.Tls,
                Using = eps.OrderBy(e => e, StringComparer.Ordinal).ToList(),
            };
            if (errors.TryGetValue(name, out var error))
            {
                info.Status = "disabled";
                info.Error = [error];
            }
            raw.TcpRouters[qualified] = info;
            if (r.Service.Length > 0) Use(ProviderNames.Resolve(r.Service, name), qualified);
            foreach (var m in r.Middlewares ?? []) Use("m:" + ProviderNames.Resolve(m, name), qualified);
        }
        raw.TcpServices = new(StringComparer.Ordinal);
        foreach (var (name, s) in tcp.Services)
        {
            var info = new TcpServiceInfo
            {
                LoadBalancer = s.LoadBalancer, Weighted = s.Weighted,
                UsedBy = usedBy.TryGetValue(name, out var u) ? u.ToList() : null,
            };
            if (TcpRouterCheck.ServiceError(tcp, name, name) is { } error)
            {
                info.Status = "disabled";
                info.Error = [error];
            }
            else if (s.LoadBalancer?.Servers is { Count: > 0 } servers)
            {
                info.ServerStatus = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var srv in servers) info.ServerStatus[srv.Address] = "UP";
            }
            raw.TcpServices[ProviderNames.Qualify(name)] = info;
        }
        raw.TcpMiddlewares = new(StringComparer.Ordinal);
        foreach (var (name, m) in tcp.Middlewares)
        {
            var qualified = ProviderNames.Qualify(name);
            var error = TcpRouterCheck.MiddlewareError(m, qualified);
            raw.TcpMiddlewares[qualified] = new TcpMiddlewareInfo
            {
                IpAllowList = m.IpAllowList, IpWhiteList = m.IpWhiteList, InFlightConn = m.InFlightConn,
                Status = error is null ? "enabled" : "disabled", Error = error is null ? null : [error],
                UsedBy = usedBy.TryGetValue("m:" + name, out var u) ? u.ToList() : null,
            };
        }
        if (raw.TcpMiddlewares.Count == 0) raw.TcpMiddlewares = null;
    }

    public static List<TcpRouterInfo> Routers(RawData raw) => (raw.TcpRouters ?? []).Select(kv => new TcpRouterInfo
    {
        EntryPoints = kv.Value.EntryPoints, Middlewares = kv.Value.Middlewares, Service = kv.Value.Service, Rule = kv.Value.Rule,
        RuleSyntax = kv.Value.RuleSyntax, Priority = kv.Value.Priority, Tls = kv.Value.Tls, Error = kv.Value.Error, Status = kv.Value.Status,
        Using = kv.Value.Using, Name = kv.Key, Provider = ProviderNames.ProviderOf(kv.Key),
    }).ToList();

    public static List<TcpServiceInfo> Services(RawData raw) => (raw.TcpServices ?? []).Select(kv => new TcpServiceInfo
    {
        LoadBalancer = kv.Value.LoadBalancer, Weighted = kv.Value.Weighted, Error = kv.Value.Error, Status = kv.Value.Status,
        UsedBy = kv.Value.UsedBy, ServerStatus = kv.Value.ServerStatus, Name = kv.Key, Provider = ProviderNames.ProviderOf(kv.Key),
        Type = kv.Value.LoadBalancer is not null ? "loadbalancer" : kv.Value.Weighted is not null ? "weighted" : null,
    }).ToList();

    public static List<TcpMiddlewareInfo> Middlewares(RawData raw) => (raw.TcpMiddlewares ?? []).Select(kv => new TcpMiddlewareInfo
    {
        IpAllowList = kv.Value.IpAllowList, IpWhiteList = kv.Value.IpWhiteList, InFlightConn = kv.Value.InFlightConn,
        Error = kv.Value.Error, Status = kv.Value.Status, UsedBy = kv.Value.UsedBy, Name = kv.Key, Provider = ProviderNames.ProviderOf(kv.Key),
        Type = kv.Value.IpAllowList is not null ? "ipallowlist" : kv.Value.IpWhiteList is not null ? "ipwhitelist" : kv.Value.InFlightConn is not null ? "inflightconn" : null,
    }).ToList();
}
