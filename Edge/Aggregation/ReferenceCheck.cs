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
    /// <param name="entryPointTlsOptions">
    /// <c>entryPoints.&lt;name&gt;.http.tls.options</c> by entry point: the options of that entry point's
    /// routers that have no TLS section of their own (Traefik's entry point model).
    /// </param>
    /// <param name="defaultEntryPoints">The entry points of a router that names none.</param>
    /// <param name="tenancy">Tenancy mode: a namespace's routers use only their namespace's TLSOptions and ServersTransports.</param>
    public static Dictionary<string, string> Find(DynamicConfig config, string provider,
        IReadOnlyDictionary<string, string>? entryPointTlsOptions = null, IReadOnlyList<string>? defaultEntryPoints = null, bool tenancy = false)
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
            var ns = router.Observability?.Metadata?.Ingress?.Namespace;
            if (MissingMiddleware(config, router.Middlewares, provider) is { } mw)
                errors[name] = $"middleware \"{mw}\" does not exist";
            else if (TlsOptionsError(config, router, provider, entryPointTlsOptions, defaultEntryPoints, tenancy ? ns : null) is { } tlsError)
                errors[name] = tlsError;
            else if (serviceErrors.TryGetValue(router.Service, out var serviceError))
                errors[name] = serviceError;
            else if (tenancy && ns is not null && ForeignTransport(config, router.Service, provider, ns) is { } foreign)
                errors[name] = foreign;
        }
        return errors;
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

    private static string? TlsOptionsError(DynamicConfig config, Router router, string provider,
        IReadOnlyDictionary<string, string>? entryPointTlsOptions, IReadOnlyList<string>? defaultEntryPoints, string? tenantNamespace)
    {
        foreach (var options in TlsOptionNames(router, entryPointTlsOptions, defaultEntryPoints))
        {
            if (options == DefaultTlsOptions) continue;
            var qualified = ProviderNames.Qualify(options, provider);
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

    private static string? ForeignTransport(DynamicConfig config, string serviceName, string provider, string ns)
    {
        if (!config.Http.Services.TryGetValue(serviceName, out var service)) return null;
        if (service.LoadBalancer?.ServersTransport is not { Length: > 0 } st) return null;
        var qualified = ProviderNames.Qualify(st, provider);
        return FindTransport(config, qualified, provider) is { Namespace: { } owner } && owner != ns
            ? $"servers transport \"{qualified}\" belongs to namespace \"{owner}\", not \"{ns}\"" : null;
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
        qualified == DefaultServersTransport || FindTransport(config, qualified, provider) is not null;

    /// <summary>The name within <paramref name="provider"/>'s configuration, when the reference points there.</summary>
    private static bool Local(string qualified, string provider, out string local)
    {
        int at = qualified.LastIndexOf('@');
        local = qualified[..at];
        return qualified.AsSpan(at + 1).SequenceEqual(provider);
    }
}
