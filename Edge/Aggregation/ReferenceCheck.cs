using Edge.Model;

namespace Edge.Aggregation;

/// <summary>
/// Fail closed on references: a router whose middleware, TLS options or service's servers
/// transport (or service middleware) cannot be resolved is in error and not served, with Traefik's
/// error text, instead of being served without the thing its owner asked for. References are
/// resolved by qualified name (<c>name@provider</c>; an unqualified name belongs to the provider
/// that produced the router), the way Traefik's <c>provider.GetQualifiedName</c> does.
/// </summary>
public static class ReferenceCheck
{
    /// <summary>Traefik's implicit TLS option and servers transport, which always exist.</summary>
    private const string DefaultTlsOptions = "default";
    private const string DefaultServersTransport = "default@internal";

    /// <summary>Router name (unqualified, as in <paramref name="config"/>) to its error.</summary>
    public static Dictionary<string, string> Find(DynamicConfig config, string provider)
    {
        var serviceErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, service) in config.Http.Services)
        {
            if (MissingMiddleware(config, service.Middlewares, provider) is { } mw)
                serviceErrors[name] = $"middleware \"{mw}\" does not exist";
            else if (service.LoadBalancer?.ServersTransport is { Length: > 0 } st && !TransportExists(config, ProviderNames.Qualify(st, provider), provider))
                serviceErrors[name] = $"servers transport not found {ProviderNames.Qualify(st, provider)}";
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, router) in config.Http.Routers)
        {
            if (ProviderNames.IsInternal(name)) continue;   // served by the API handler itself
            if (MissingMiddleware(config, router.Middlewares, provider) is { } mw)
                errors[name] = $"middleware \"{mw}\" does not exist";
            else if (router.Tls?.Options is { Length: > 0 } options && options != DefaultTlsOptions)
                errors[name] = $"unknown TLS options: {ProviderNames.Qualify(options, provider)}";   // Edge has no TLSOption source yet
            else if (serviceErrors.TryGetValue(router.Service, out var serviceError))
                errors[name] = serviceError;
        }
        return errors;
    }

    private static string? MissingMiddleware(DynamicConfig config, List<string>? names, string provider)
    {
        if (names is null) return null;
        foreach (var name in names)
        {
            var qualified = ProviderNames.Qualify(name, provider);
            // Another provider's middlewares are stored under their qualified names (see ConfigurationMerge).
            if (config.Http.Middlewares.ContainsKey(qualified)) continue;
            if (!Local(qualified, provider, out var local) || !config.Http.Middlewares.ContainsKey(local)) return qualified;
        }
        return null;
    }

    private static bool TransportExists(DynamicConfig config, string qualified, string provider) =>
        qualified == DefaultServersTransport || config.Http.ServersTransports.ContainsKey(qualified)
        || (Local(qualified, provider, out var local) && config.Http.ServersTransports.ContainsKey(local));

    /// <summary>The name within <paramref name="provider"/>'s configuration, when the reference points there.</summary>
    private static bool Local(string qualified, string provider, out string local)
    {
        int at = qualified.LastIndexOf('@');
        local = qualified[..at];
        return qualified.AsSpan(at + 1).SequenceEqual(provider);
    }
}
