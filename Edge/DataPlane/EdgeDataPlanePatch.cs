using Edge.Aggregation;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Routing.Table;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.DataPlane;

/// <summary>
/// A change patched into the previous compilation: only the routers it touches (changed, or
/// naming a changed service) are checked, compiled and put into (or taken out of) the route
/// tables; every other compiled router, service, chain and bucket is shared with the previous
/// state, which stays as it was for the requests still using it.
/// </summary>
public sealed partial class EdgeDataPlane
{
    /// <summary>The patched state, or null when this change needs a whole compilation (see the conditions below).</summary>
    private DataPlaneState? TryPatch(DynamicConfig config, CompileStages stages)
    {
        if (_memo is not { } m) return null;
        var before = m.Config;
        // What every router may refer to must be as it was: middlewares, transports, TLS options,
        // stores and certificates; and no service of services (their errors and links span services).
        if (m.ServicesOfServices > 0 || !CompileMemo.Same(before.Http.Middlewares, config.Http.Middlewares)
            || !CompileMemo.Same(before.Http.ServersTransports, config.Http.ServersTransports) || !CompileMemo.SameTls(before.Tls, config.Tls))
            return null;
        // The rule cache is swept by whole compilations only; one now and then keeps it bounded.
        if (RuleCache.Count > 2 * config.Http.Routers.Count + 1024) return null;
        var changedRouters = CompileMemo.Diff(before.Http.Routers, config.Http.Routers);
        var changedServices = CompileMemo.Diff(before.Http.Services, config.Http.Services);
        // A large change costs as much patched as compiled whole.
        if (changedRouters.Count + changedServices.Count > config.Http.Routers.Count / 4 + 64) return null;
        foreach (var s in changedServices)
            if (config.Http.Services.TryGetValue(s, out var service) && CompileMemo.IsServiceOfServices(service)) return null;
        var dirty = new HashSet<string>(changedRouters, StringComparer.Ordinal);
        foreach (var s in changedServices)
            if (m.RoutersByService.TryGetValue(s, out var users)) dirty.UnionWith(users);
        // A TLS router takes part in the choice of TLS options by SNI, across routers: compiled whole.
        foreach (var name in dirty)
            if (IsTlsRouter(before.Http.Routers.GetValueOrDefault(name)) || IsTlsRouter(config.Http.Routers.GetValueOrDefault(name))) return null;
        var present = new List<KeyValuePair<string, Router>>();
        foreach (var name in dirty)
            if (config.Http.Routers.TryGetValue(name, out var r)) present.Add(new(name, r));
        stages.Mark("diff");

        // Errors: the previous ones, the touched routers' checked again.
        var errors = new Dictionary<string, string>(m.Errors, StringComparer.Ordinal);
        foreach (var name in dirty) errors.Remove(name);
        var defaults = _config.DefaultEntryPoints();
        ReferenceCheck.FindFor(config, present, errors, ProviderNames.Kubernetes, _entryPointTlsOptions, defaults, _config.KubernetesIngress.TenancyEnabled);
        if (m.BrokenTransports.Count > 0) AddTransportErrors(config, present, m.BrokenTransports, errors);
        CertResolverCheck.AddErrors(present, config.HostOwnership, _config, _unavailableResolvers, errors);
        stages.Mark("references");

        // Services: the changed ones compiled, the others (balancer positions included) kept.
        var services = new Dictionary<string, BackendService>(m.Services, StringComparer.Ordinal);
        var compiled = new Dictionary<string, (Service, BackendService)>(m.Compiled, StringComparer.Ordinal);
        bool healthChanged = false;
        foreach (var name in changedServices)
        {
            healthChanged |= before.Http.Services.GetValueOrDefault(name)?.LoadBalancer?.HealthCheck is not null;
            if (config.Http.Services.TryGetValue(name, out var service))
            {
                var backend = new BackendService(name, service);
                services[name] = backend;
                compiled[name] = (service, backend);
                healthChanged |= service.LoadBalancer?.HealthCheck is not null;
            }
            else
            {
                services.Remove(name);
                compiled.Remove(name);
            }
        }
        // Health checkers keep running unless a checked service changed.
        var healthChecks = healthChanged || m.State.HealthChecks is null ? new Health.HealthCheckSet(services, _transports) : m.State.HealthChecks;
        stages.Mark("services");

        // Chains: a middleware that forwards to a service (errors) holds the compiled service, so a
        // changed service recompiles every chain; otherwise only the touched routers' are.
        Dictionary<string, ProxyHandler> chains;
        if (changedServices.Count > 0 && m.Chains.Count > 0) chains = CompileChains(config, errors, services);
        else
        {
            chains = new Dictionary<string, ProxyHandler>(m.Chains, StringComparer.Ordinal);
            foreach (var name in dirty) chains.Remove(name);
            ChainCompiler.CompileFor(config, present, chains, ProviderNames.Kubernetes, _config.KubernetesIngress.TenancyEnabled, errors, _forwardTerminal,
                name => LookupService(services, name));
        }
        stages.Mark("chains");

        // Route tables: every router whose being served may differ leaves, the served ones enter anew.
        var touched = new HashSet<string>(dirty, StringComparer.Ordinal);
        foreach (var name in errors.Keys) if (!m.Errors.ContainsKey(name)) touched.Add(name);
        foreach (var name in m.Errors.Keys) if (!errors.ContainsKey(name)) touched.Add(name);
        var removed = new List<string>();
        var upserted = new List<(string, Router)>();
        foreach (var name in touched)
        {
            if (config.Http.Routers.TryGetValue(name, out var r) && r.DisabledReason is null && !errors.ContainsKey(name)) upserted.Add((name, r));
            else removed.Add(name);
        }
        var syntax = _config.KubernetesIngress.DefaultRuleSyntax == "v2" ? RuleSyntax.V2 : RuleSyntax.V3;
        var routes = new Dictionary<string, EntryPointRoutes>(StringComparer.OrdinalIgnoreCase);
        foreach (var ep in _config.EntryPoints.Values)
            routes[ep.Name] = m.Routes[ep.Name].Patch(ep, removed, upserted, defaults, syntax, errors, config.HostOwnership);
        stages.Mark("routes");
        foreach (var name in touched)
            if (errors.TryGetValue(name, out var error) && (!m.Errors.TryGetValue(name, out var was) || was != error))
                LogRouterError(config, name, error);

        // TLS is as it was (checked above): the certificates are kept unless host ownership moved.
        var certificates = ReferenceEquals(before.HostOwnership, config.HostOwnership) ? m.State.Certificates
            : new CertificateStore(config.Tls, CertificateStore.FromStore(config.Tls?.Stores?.GetValueOrDefault("default")) ?? _defaultCert, config.HostOwnership);
        var state = new DataPlaneState(routes, services, certificates, errors, _gates.Update(config.NamespaceLimits), chains, m.TlsOptions, healthChecks);
        stages.Mark("certificates");

        foreach (var name in changedRouters)
        {
            if (before.Http.Routers.TryGetValue(name, out var old)) CompileMemo.Unuse(m.RoutersByService, name, old);
            if (config.Http.Routers.TryGetValue(name, out var now))
            {
                CompileMemo.Use(m.RoutersByService, name, now);
                CompileMemo.UseRule(m.RuleUses, now, syntax);
            }
        }
        // After the new uses: a rule a changed router keeps is not forgotten (and parsed again).
        foreach (var name in changedRouters)
            if (before.Http.Routers.TryGetValue(name, out var old)) CompileMemo.UnuseRule(m.RuleUses, old, syntax);
        _memo = new CompileMemo
        {
            Config = config, State = state, Errors = errors, Services = services, Compiled = compiled, Chains = chains, Routes = routes,
            TlsOptions = m.TlsOptions, BrokenTransports = m.BrokenTransports, RoutersByService = m.RoutersByService, ServicesOfServices = 0, RuleUses = m.RuleUses,
        };
        return state;
    }

    /// <summary>Whether the router takes part in TLS (its own section, or an entry point's http.tls).</summary>
    private bool IsTlsRouter(Router? r)
    {
        if (r is null) return false;
        if (r.Tls is not null) return true;
        if (_entryPointTlsOptions.Count == 0 && !_config.EntryPoints.Values.Any(e => e.HttpTls)) return false;
        var eps = r.EntryPoints is { Count: > 0 } ? (IReadOnlyList<string>)r.EntryPoints : _config.DefaultEntryPoints();
        return eps.Any(e => _config.EntryPoints.TryGetValue(e, out var ep) && ep.HttpTls);
    }
}
