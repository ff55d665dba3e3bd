using Edge.Model;

namespace Edge.Aggregation;

/// <summary>
/// Fail closed on references: a router whose middleware, TLS options or service's servers
/// transport (or service middleware) cannot be resolved is in error and not served, with Traefik's
/// error text, instead of being served without the thing its owner asked for. References are
/// resolved by qualified name (<c>name@provider</c>; an unqualified name belongs to the provider
/// that produced the router or service), the way Traefik's <c>provider.GetQualifiedName</c> does.
/// A service of services (weighted) is checked down to its load balancers; one Edge does not
/// serve yet (mirroring, failover) keeps its routers out, named in the error.
/// </summary>
public static class ReferenceCheck
{
    /// <summary>Traefik's implicit TLS option and servers transport, which always exist.</summary>
    private const string DefaultTlsOptions = "default";
    private const string DefaultServersTransport = "default@internal";

    /// <summary>Router name (as stored in <paramref name="config"/>) to its error.</summary>
    /// <param name="provider">The implied provider, whose objects are stored unqualified.</param>
    public static Dictionary<string, string> Find(DynamicConfig config, string provider)
    {
        var serviceErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, service) in config.Http.Services)
        {
            var context = ProviderNames.ProviderOf(name, provider);
            if (MissingMiddleware(config, service.Middlewares, context, provider) is { } mw)
                serviceErrors[name] = $"middleware \"{mw}\" does not exist";
            else if (service.LoadBalancer?.ServersTransport is { Length: > 0 } st && !TransportExists(config, ProviderNames.Qualify(st, context), provider))
                serviceErrors[name] = $"servers transport not found {ProviderNames.Qualify(st, context)}";
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, router) in config.Http.Routers)
        {
            if (ProviderNames.IsInternal(name)) continue;   // served by the API handler itself
            var context = ProviderNames.ProviderOf(name, provider);
            if (MissingMiddleware(config, router.Middlewares, context, provider) is { } mw)
                errors[name] = $"middleware \"{mw}\" does not exist";
            else if (router.Tls?.Options is { Length: > 0 } options && options != DefaultTlsOptions)
                errors[name] = $"unknown TLS options: {ProviderNames.Qualify(options, context)}";   // Edge has no TLSOption source yet
            else if (ServiceError(config, Key(router.Service, context, provider), serviceErrors, provider, new HashSet<string>(StringComparer.Ordinal)) is { } serviceError)
                errors[name] = serviceError;
        }
        return errors;
    }

    /// <summary>
    /// Why the service stored under <paramref name="key"/> cannot be served: its own error, or a
    /// weighted child's; null when it is served (or absent, which the API reports on its own).
    /// </summary>
    private static string? ServiceError(DynamicConfig config, string key, Dictionary<string, string> serviceErrors, string provider, HashSet<string> path)
    {
        if (serviceErrors.TryGetValue(key, out var own)) return own;
        if (!config.Http.Services.TryGetValue(key, out var service)) return null;
        var qualified = ProviderNames.Qualify(key, provider);
        if (service.Mirroring is not null) return $"service \"{qualified}\": mirroring services are not served by Edge yet";
        if (service.Failover is not null) return $"service \"{qualified}\": failover services are not served by Edge yet";
        if (service.Weighted is not { } weighted) return null;
        if (!path.Add(key)) return $"service \"{qualified}\": recursion detected in weighted services";
        var context = ProviderNames.ProviderOf(key, provider);
        foreach (var child in weighted.Services ?? [])
        {
            var childKey = Key(child.Name, context, provider);
            if (!config.Http.Services.TryGetValue(childKey, out var childService))
                return $"the service \"{ProviderNames.Qualify(childKey, provider)}\" does not exist";
            // Edge's data plane runs one chain per router: a child's own middlewares would be skipped.
            if (childService.Middlewares is { Count: > 0 })
                return $"service \"{ProviderNames.Qualify(childKey, provider)}\": middlewares on a service inside a weighted service are not served by Edge yet";
            if (ServiceError(config, childKey, serviceErrors, provider, path) is { } error) return error;
        }
        path.Remove(key);
        return null;
    }

    /// <summary>The stored key of <paramref name="reference"/> made from <paramref name="context"/>'s objects.</summary>
    private static string Key(string reference, string context, string provider)
    {
        var qualified = ProviderNames.Qualify(reference, context);
        return ProviderNames.Unqualified(qualified, provider) ?? qualified;
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
        qualified == DefaultServersTransport || config.Http.ServersTransports.ContainsKey(ProviderNames.Unqualified(qualified, provider) ?? qualified);
}
