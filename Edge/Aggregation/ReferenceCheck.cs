using Edge.Model;

namespace Edge.Aggregation;

/// <summary>
/// Fail closed on references: a router whose middleware, TLS options or service's servers
/// transport (or service middleware) cannot be resolved is in error and not served, with Traefik's
/// error text, instead of being served without the thing its owner asked for. References are
/// resolved by qualified name (<c>name@provider</c>; an unqualified name belongs to the provider
/// that produced the router or service), the way Traefik's <c>provider.GetQualifiedName</c> does.
/// A service of services (weighted, mirroring, failover) is checked down to its load balancers,
/// with Traefik's health-propagation rules.
/// </summary>
public static class ReferenceCheck
{
    /// <summary>Traefik's implicit TLS option and servers transport, which always exist.</summary>
    private const string DefaultTlsOptions = "default";
    private const string DefaultServersTransport = "default@internal";

    /// <summary>Router name (as stored in <paramref name="config"/>) to its error.</summary>
    /// <param name="provider">The implied provider, whose objects are stored unqualified.</param>
    /// <param name="entryPointTlsOptions">
    /// <c>entryPoints.&lt;name&gt;.http.tls.options</c> by entry point: the options of that entry point's
    /// routers that have no TLS section of their own (Traefik's entry point model).
    /// </param>
    /// <param name="defaultEntryPoints">The entry points of a router that names none.</param>
    /// <param name="tenancy">Tenancy mode: a namespace's routers use only their namespace's TLSOptions and ServersTransports.</param>
    public static Dictionary<string, string> Find(DynamicConfig config, string provider,
        IReadOnlyDictionary<string, string>? entryPointTlsOptions = null, IReadOnlyList<string>? defaultEntryPoints = null, bool tenancy = false)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        FindFor(config, config.Http.Routers, errors, provider, entryPointTlsOptions, defaultEntryPoints, tenancy);
        return errors;
    }

    /// <summary>
    /// <see cref="Find"/> for some of the configuration's routers only (the ones a change touched),
    /// adding their errors to <paramref name="errors"/>: what each router refers to is resolved
    /// against the whole configuration, but no other router or service is visited.
    /// </summary>
    public static void FindFor(DynamicConfig config, IEnumerable<KeyValuePair<string, Router>> routers, Dictionary<string, string> errors, string provider,
        IReadOnlyDictionary<string, string>? entryPointTlsOptions = null, IReadOnlyList<string>? defaultEntryPoints = null, bool tenancy = false)
    {
        // A service's own error is looked up only for the services these routers reach.
        var serviceErrors = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, router) in routers)
        {
            if (ProviderNames.IsInternal(name)) continue;   // served by the API handler itself
            var context = ProviderNames.ProviderOf(name, provider);
            var ns = router.Namespace;
            if (MissingMiddleware(config, router.Middlewares, context, provider) is { } mw)
                errors[name] = $"middleware \"{mw}\" does not exist";
            else if (TlsOptionsError(config, router, context, provider, entryPointTlsOptions, defaultEntryPoints, tenancy ? ns : null) is { } tlsError)
                errors[name] = tlsError;
            else if (ServiceError(config, Key(router.Service, context, provider), serviceErrors, provider, null) is { } serviceError)
                errors[name] = serviceError;
            else if (tenancy && ns is not null && ForeignTransport(config, Key(router.Service, context, provider), provider, ns) is { } foreign)
                errors[name] = foreign;
        }
    }

    /// <summary>The service's own error (its middlewares, servers transport, health check), remembered per check.</summary>
    private static string? OwnError(DynamicConfig config, string name, Service service, Dictionary<string, string?> known, string provider)
    {
        if (known.TryGetValue(name, out var error)) return error;
        var context = ProviderNames.ProviderOf(name, provider);
        if (MissingMiddleware(config, service.Middlewares, context, provider) is { } mw)
            error = $"middleware \"{mw}\" does not exist";
        else if (service.LoadBalancer?.ServersTransport is { Length: > 0 } st && !TransportExists(config, ProviderNames.Qualify(st, context), provider))
            error = $"servers transport not found {ProviderNames.Qualify(st, context)}";
        else if (service.LoadBalancer?.Strategy is { Length: > 0 } strategy && strategy is not ("wrr" or "p2c" or "hrw" or "leasttime"))
            error = $"unsupported load-balancer strategy \"{strategy}\"";
        else if (service.LoadBalancer?.HealthCheck is { } hc && HealthCheckError(hc) is { } hcError)
            error = $"service \"{ProviderNames.Qualify(name, provider)}\": {hcError}";
        known[name] = error;
        return error;
    }

    /// <summary>
    /// Why the service stored under <paramref name="key"/> cannot be served: its own error, or a
    /// child's (weighted children, a mirroring's main and mirrors, a failover's main and fallback),
    /// or Traefik's health propagation refusing it; null when it is served (or absent, which the
    /// API reports on its own).
    /// </summary>
    private static string? ServiceError(DynamicConfig config, string key, Dictionary<string, string?> serviceErrors, string provider, HashSet<string>? path)
    {
        if (!config.Http.Services.TryGetValue(key, out var service)) return null;
        if (OwnError(config, key, service, serviceErrors, provider) is { } own) return own;
        var qualified = ProviderNames.Qualify(key, provider);
        var children = Children(service);
        if (children.Count == 0) return null;
        path ??= new HashSet<string>(StringComparer.Ordinal);
        if (!path.Add(key)) return $"service \"{qualified}\": recursion detected in {(service.Weighted is not null ? "weighted" : "services of")} services";
        var context = ProviderNames.ProviderOf(key, provider);
        foreach (var child in children)
        {
            var childKey = Key(child, context, provider);
            var childQualified = ProviderNames.Qualify(childKey, provider);
            if (!config.Http.Services.TryGetValue(childKey, out var childService))
                return $"the service \"{childQualified}\" does not exist";
            // Edge's data plane runs one chain per router: a child's own middlewares would be skipped.
            if (childService.Middlewares is { Count: > 0 })
                return $"service \"{childQualified}\": middlewares on a service inside a {KindOf(service)} service are not served by Edge yet";
            if (ServiceError(config, childKey, serviceErrors, provider, path) is { } error) return error;
        }
        path.Remove(key);
        return PropagationError(config, service, qualified, context, provider);
    }

    private static List<string> Children(Service service)
    {
        if (service.Weighted is { } w) return (w.Services ?? []).Select(c => c.Name).ToList();
        if (service.Mirroring is { } m) return new[] { m.Service ?? "" }.Concat((m.Mirrors ?? []).Select(x => x.Name)).ToList();
        if (service.Failover is { } f) return [f.Service ?? "", f.Fallback ?? ""];
        return [];
    }

    private static string KindOf(Service service) => service.Weighted is not null ? "weighted" : service.Mirroring is not null ? "mirroring" : "failover";

    /// <summary>
    /// Traefik's RegisterStatusUpdater checks: a parent that follows health (weighted or failover
    /// with <c>healthCheck: {}</c>, a failover's main without <c>errors.status</c>) needs children that
    /// report it: a load balancer with a healthCheck, or a service of services with <c>healthCheck: {}</c>.
    /// </summary>
    private static string? PropagationError(DynamicConfig config, Service service, string qualified, string context, string provider)
    {
        string? NotReporting(string child)
        {
            var key = Key(child, context, provider);
            var s = config.Http.Services[key];
            return ReportsHealth(config, s, ProviderNames.ProviderOf(key, provider), provider) ? null
                : $"cannot register {ProviderNames.Qualify(key, provider)} as updater for {qualified}: healthCheck not enabled in config for this {UpdaterKind(s)} service";
        }
        if (service.Weighted is { HealthCheck: not null } w)
            foreach (var c in w.Services ?? []) if (NotReporting(c.Name) is { } e) return e;
        if (service.Mirroring is { } m)
        {
            foreach (var mirror in m.Mirrors ?? [])
                if (mirror.Percent is < 0 or > 100) return $"service \"{qualified}\": percent must be between 0 and 100";
            if (m.HealthCheck is not null && NotReporting(m.Service ?? "") is { } e) return e;
        }
        if (service.Failover is { } f)
        {
            bool errorsDefined = f.Errors?.Status is { Count: > 0 };
            if (errorsDefined && StatusRangesError(f.Errors!.Status!) is { } bad) return $"error creating failover service {qualified}: creating HTTP code ranges: {bad}";
            if (!errorsDefined && NotReporting(f.Service ?? "") is { } e) return e;
            if (f.HealthCheck is not null && NotReporting(f.Fallback ?? "") is { } e2) return e2;
        }
        return null;
    }

    private static bool ReportsHealth(DynamicConfig config, Service s, string context, string provider)
    {
        if (s.LoadBalancer is { } lb) return lb.HealthCheck is not null;
        if (s.Weighted is { } w) return w.HealthCheck is not null;
        if (s.Failover is { } f) return f.HealthCheck is not null;
        if (s.Mirroring is { } m)
            return m.HealthCheck is not null && config.Http.Services.TryGetValue(Key(m.Service ?? "", context, provider), out var main)
                && ReportsHealth(config, main, context, provider);
        return false;
    }

    private static string UpdaterKind(Service s) => s.Mirroring is not null ? "mirroring" : s.Failover is not null ? "failover" : "WRR";

    /// <summary>Traefik's NewHTTPCodeRanges: "500", "500,502", "500-599"; the Atoi error of a bad one.</summary>
    private static string? StatusRangesError(List<string> values)
    {
        foreach (var value in values)
            foreach (var part in value.Split(','))
                foreach (var bound in part.Split('-'))
                    if (!int.TryParse(bound, out _)) return $"strconv.Atoi: parsing \"{bound}\": invalid syntax";
        return null;
    }

    /// <summary>A healthCheck Edge cannot run: a duration that does not parse, a path that is not relative.</summary>
    private static string? HealthCheckError(ServerHealthCheck hc)
    {
        foreach (var (what, value) in new[] { ("interval", hc.Interval), ("unhealthyInterval", hc.UnhealthyInterval), ("timeout", hc.Timeout) })
            if (!string.IsNullOrEmpty(value) && !GoCompat.GoDuration.TryParse(value, out _))
                return $"health check {what}: time: invalid duration \"{value}\"";
        if (hc.Path is { Length: > 0 } p && (p.StartsWith("//", StringComparison.Ordinal) || (Uri.TryCreate(p, UriKind.Absolute, out var u) && u.Scheme is "http" or "https")))
            return $"health check path must be a relative URL, got: \"{p}\"";
        if (hc.Mode is { Length: > 0 } mode && mode is not ("http" or "grpc")) return $"health check mode {mode} is not supported (http or grpc)";
        return null;
    }

    /// <summary>The stored key of <paramref name="reference"/> made from <paramref name="context"/>'s objects.</summary>
    private static string Key(string reference, string context, string provider)
    {
        var qualified = ProviderNames.Qualify(reference, context);
        return ProviderNames.Unqualified(qualified, provider) ?? qualified;
    }

    /// <summary>The TLS option names a router uses: its own, else its entry points' (or none).</summary>
    public static IEnumerable<string> TlsOptionNames(Router router, IReadOnlyDictionary<string, string>? entryPointTlsOptions, IReadOnlyList<string>? defaultEntryPoints)
    {
        if (router.Tls is { } tls)
        {
            if (tls.Options is { Length: > 0 } own) yield return own;
            yield break;
        }
        if (entryPointTlsOptions is null || entryPointTlsOptions.Count == 0) yield break;
        var eps = router.EntryPoints is { Count: > 0 } ? router.EntryPoints : (IEnumerable<string>?)defaultEntryPoints ?? [];
        foreach (var ep in eps)
            if (entryPointTlsOptions.TryGetValue(ep, out var options) && options.Length > 0) yield return options;
    }

    /// <param name="context">The router's provider: its unqualified references are that provider's.</param>
    private static string? TlsOptionsError(DynamicConfig config, Router router, string context, string provider,
        IReadOnlyDictionary<string, string>? entryPointTlsOptions, IReadOnlyList<string>? defaultEntryPoints, string? tenantNamespace)
    {
        foreach (var options in TlsOptionNames(router, entryPointTlsOptions, defaultEntryPoints))
        {
            if (options == DefaultTlsOptions) continue;
            var qualified = ProviderNames.Qualify(options, context);
            var found = FindTlsOptions(config, qualified, provider);
            if (found is null) return $"unknown TLS options: {qualified}";
            // Tenancy: another namespace's TLSOption (an @file one has no namespace: the administrator's).
            if (tenantNamespace is not null && found.Namespace is { } owner && owner != tenantNamespace)
                return $"TLS options \"{qualified}\" belong to namespace \"{owner}\", not \"{tenantNamespace}\"";
        }
        return null;
    }

    /// <summary>The TLS options a qualified name designates in the merged configuration, or null.</summary>
    public static TlsOptions? FindTlsOptions(DynamicConfig config, string qualified, string provider)
    {
        var all = config.Tls?.Options;
        if (all is null) return null;
        if (all.TryGetValue(qualified, out var options)) return options;
        return Local(qualified, provider, out var local) && all.TryGetValue(local, out options) ? options : null;
    }

    /// <summary>The servers transport a qualified name designates in the merged configuration, or null (also for default@internal).</summary>
    public static ServersTransport? FindTransport(DynamicConfig config, string qualified, string provider)
    {
        if (config.Http.ServersTransports.TryGetValue(qualified, out var st)) return st;
        return Local(qualified, provider, out var local) && config.Http.ServersTransports.TryGetValue(local, out st) ? st : null;
    }

    private static string? ForeignTransport(DynamicConfig config, string serviceKey, string provider, string ns)
    {
        if (!config.Http.Services.TryGetValue(serviceKey, out var service)) return null;
        if (service.LoadBalancer?.ServersTransport is not { Length: > 0 } st) return null;
        var qualified = ProviderNames.Qualify(st, ProviderNames.ProviderOf(serviceKey, provider));
        return FindTransport(config, qualified, provider) is { Namespace: { } owner } && owner != ns
            ? $"servers transport \"{qualified}\" belongs to namespace \"{owner}\", not \"{ns}\"" : null;
    }

    private static string? MissingMiddleware(DynamicConfig config, List<string>? names, string context, string provider)
    {
        if (names is null) return null;
        foreach (var name in names)
        {
            // Another provider's middlewares are stored under their qualified names (see ConfigurationMerge).
            if (!config.Http.Middlewares.ContainsKey(Key(name, context, provider))) return ProviderNames.Qualify(name, context);
        }
        return null;
    }

    private static bool TransportExists(DynamicConfig config, string qualified, string provider) =>
        qualified == DefaultServersTransport || FindTransport(config, qualified, provider) is not null;

    /// <summary>The name within <paramref name="provider"/>'s configuration, when the reference points there.</summary>
    private static bool Local(string qualified, string provider, out string local)
    {
        int at = qualified.LastIndexOf('@');
        local = qualified[..at];
        return qualified.AsSpan(at + 1).SequenceEqual(provider);
    }
}
