using Edge.Aggregation;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Routing.Table;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.DataPlane;

/// <summary>Compiling a configuration into a <see cref="DataPlaneState"/>, whole (here) or patched (EdgeDataPlanePatch).</summary>
public sealed partial class EdgeDataPlane
{
    private readonly object _compileLock = new();
    // The last compilation, which the next one patches; null = compile whole.
    private CompileMemo? _memo;

    /// <summary>
    /// The state serving <paramref name="config"/>: patched from the previous compilation when the
    /// change allows it (<see cref="TryPatch"/>), else compiled whole. Either way the result is
    /// the same, and the previous state is left as it was.
    /// </summary>
    public DataPlaneState Compile(DynamicConfig config)
    {
        lock (_compileLock)
        {
            var stages = new CompileStages();
            DataPlaneState? patched = null;
            try { patched = TryPatch(config, stages); }
            catch (Exception e)
            {
                // A bug in the patch must not cost the change: compile it whole.
                Log.Error("Patching the data plane failed, compiling it whole", ("error", e.ToString()));
                _memo = null;
            }
            if (patched is not null)
            {
                LastCompileStages = "patch " + stages;
                Log.Debug("Data plane compiled", ("stages", LastCompileStages));
                return patched;
            }
            stages = new CompileStages();
            var state = CompileWhole(config, stages);
            LastCompileStages = "whole " + stages;
            Log.Debug("Data plane compiled", ("stages", LastCompileStages));
            return state;
        }
    }

    private DataPlaneState CompileWhole(DynamicConfig config, CompileStages stages)
    {
        // Fail closed: a router whose middleware, TLS options or servers transport does not
        // resolve is kept out of the data plane and shown in error (see ReferenceCheck).
        var defaults = _config.DefaultEntryPoints();
        var errors = ReferenceCheck.Find(config, ProviderNames.Kubernetes, _entryPointTlsOptions, defaults, _config.KubernetesIngress.TenancyEnabled);
        var broken = AddTransportErrors(config, errors);
        CertResolverCheck.AddErrors(config, _config, _unavailableResolvers, errors);
        stages.Mark("references");
        var syntax = _config.KubernetesIngress.DefaultRuleSyntax == "v2" ? RuleSyntax.V2 : RuleSyntax.V3;
        // Every router tenancy did not disable takes part in the choice of TLS options by SNI, as in
        // Traefik (one whose options are missing makes its hosts' handshakes fail).
        var tlsRouters = config.Http.Routers.Where(kv => kv.Value.DisabledReason is null).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var tlsOptions = TlsOptionsCompiler.Compile(config, _config, tlsRouters, syntax, errors, ProviderNames.Kubernetes);
        stages.Mark("tlsOptions");
        // An unchanged service (the same object: the translation memo reuses them) keeps its
        // compiled form, balancer position included; building them all costs ~30 ms at 10,000.
        var services = new Dictionary<string, BackendService>(StringComparer.Ordinal);
        var compiled = new Dictionary<string, (Service, BackendService)>(StringComparer.Ordinal);
        foreach (var (name, service) in config.Http.Services)
        {
            // A service of services is linked to this configuration's children: never reused.
            var backend = service.Weighted is null && service.Mirroring is null && service.Failover is null && _memo is { } m && m.Compiled.TryGetValue(name, out var previous) && ReferenceEquals(previous.Model, service)
                ? previous.Backend : new BackendService(name, service);
            services[name] = backend;
            compiled[name] = (service, backend);
        }
        foreach (var (name, backend) in services)
            if (backend.Kind != ServiceKind.LoadBalancer) backend.Link(child => services.GetValueOrDefault(ProviderNames.Resolve(child, name)));
        stages.Mark("services");
        // Chains after services: a middleware that forwards elsewhere (errors) gets its service compiled.
        var chains = CompileChains(config, errors, services);
        stages.Mark("chains");
        var routes = new Dictionary<string, EntryPointRoutes>(StringComparer.OrdinalIgnoreCase);
        // Routers that tenancy disabled are shown by the API (with their reason) but never served.
        var routers = config.Http.Routers;
        if (errors.Count > 0 || routers.Values.Any(r => r.DisabledReason is not null))
        {
            routers = new SortedDictionary<string, Router>(StringComparer.Ordinal);
            foreach (var (name, r) in config.Http.Routers)
                if (r.DisabledReason is null && !errors.ContainsKey(name)) routers[name] = r;
        }
        foreach (var ep in _config.EntryPoints.Values)
            routes[ep.Name] = EntryPointRoutes.Compile(ep, routers, defaults, syntax, errors, config.HostOwnership);
        stages.Mark("routes");
        foreach (var (name, error) in errors) LogRouterError(config, name, error);
        // TLSStore "default": its defaultCertificate replaces the generated one.
        var defaultCert = CertificateStore.FromStore(config.Tls?.Stores?.GetValueOrDefault("default")) ?? _defaultCert;
        var state = new DataPlaneState(routes, services, new CertificateStore(config.Tls, defaultCert, config.HostOwnership), errors,
            _gates.Update(config.NamespaceLimits), chains, tlsOptions, new Health.HealthCheckSet(services, _transports));
        stages.Mark("certificates");
        // Caches shared across generations let go of what this configuration no longer names.
        RuleCache.Sweep();
        CertificateStore.Sweep();
        stages.Mark("sweep");
        _memo = CompileMemo.Of(config, state, errors, services, compiled, chains, routes, tlsOptions, broken, syntax);
        return state;
    }

    /// <summary>
    /// Builds the servers transports' clients; a router whose service's transport cannot be built
    /// (a CA that does not parse, spiffe) is in error rather than forwarded with weaker checks.
    /// </summary>
    private Dictionary<string, string> AddTransportErrors(DynamicConfig config, Dictionary<string, string> errors)
    {
        var qualified = config.Http.ServersTransports.ToDictionary(kv => ProviderNames.Qualify(kv.Key), kv => kv.Value, StringComparer.Ordinal);
        var broken = _transports.Update(qualified);
        if (broken.Count > 0) AddTransportErrors(config, config.Http.Routers, broken, errors);
        return broken;
    }

    private static void AddTransportErrors(DynamicConfig config, IEnumerable<KeyValuePair<string, Router>> routers, Dictionary<string, string> broken, Dictionary<string, string> errors)
    {
        foreach (var (name, router) in routers)
            if (config.Http.Services.TryGetValue(router.Service, out var s) && BackendService.TransportOf(router.Service, s) is { } t
                && broken.TryGetValue(t, out var error))
                errors.TryAdd(name, error);
    }

    /// <summary>Each router's middlewares, compiled once for this configuration (see <see cref="ChainCompiler.CompileAll"/>).</summary>
    private Dictionary<string, ProxyHandler> CompileChains(DynamicConfig config, Dictionary<string, string> errors, Dictionary<string, BackendService> services) =>
        ChainCompiler.CompileAll(config, ProviderNames.Kubernetes, _config.KubernetesIngress.TenancyEnabled, errors, _forwardTerminal, name => LookupService(services, name));

    private static BackendService? LookupService(Dictionary<string, BackendService> services, string name) =>
        services.TryGetValue(name, out var s) ? s
            // The data plane's own provider's services are stored unqualified.
            : name.EndsWith("@" + ProviderNames.Kubernetes, StringComparison.Ordinal) && services.TryGetValue(name[..name.LastIndexOf('@')], out s) ? s : null;

    private static void LogRouterError(DynamicConfig config, string name, string error)
    {
        var ingress = config.Http.Routers.TryGetValue(name, out var r) ? r.Observability?.Metadata?.Ingress : null;
        Log.Error("Router in error, it is not served", ("router", ProviderNames.Qualify(name)),
            ("ingress", ingress is null ? null : ingress.Namespace + "/" + ingress.IngressName), ("error", error));
    }
}
