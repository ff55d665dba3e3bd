using Edge.Model;

namespace Edge.Aggregation;

/// <summary>
/// Merges the providers' configurations into the one the data plane and the API use, the way
/// Traefik's aggregator (pkg/server/aggregator.go) does: every object keeps its provider in its
/// name. The Ingress provider's objects stay unqualified (their provider is implied, see
/// <see cref="ProviderNames.Qualify"/>); every other provider's are added as <c>name@provider</c>.
/// A pure function: the providers' own configurations are never modified.
/// </summary>
public static class ConfigurationMerge
{
    public static DynamicConfig Merge(IReadOnlyDictionary<string, DynamicConfig> byProvider)
    {
        byProvider.TryGetValue(ProviderNames.Kubernetes, out var implied);
        var merged = new DynamicConfig
        {
            Http = new HttpConfig
            {
                Routers = Copy(implied?.Http.Routers),
                Services = Copy(implied?.Http.Services),
                Middlewares = Copy(implied?.Http.Middlewares),
                ServersTransports = Copy(implied?.Http.ServersTransports),
            },
            Tls = implied?.Tls is { } tls ? new TlsConfig { Certificates = [.. tls.Certificates], Options = CopyOrNull(tls.Options), Stores = CopyOrNull(tls.Stores) } : null,
            NamespaceLimits = implied?.NamespaceLimits ?? new(StringComparer.Ordinal),
            HostOwnership = implied?.HostOwnership,
            Tcp = implied?.Tcp is { IsEmpty: false } t ? new TcpConfig { Routers = Copy(t.Routers), Services = Copy(t.Services), Middlewares = Copy(t.Middlewares), ServersTransports = CopyOrNull(t.ServersTransports) } : null,
            Udp = implied?.Udp is { IsEmpty: false } u ? new UdpConfig { Routers = Copy(u.Routers), Services = Copy(u.Services) } : null,
        };
        var defaultOptions = new List<string>();
        var defaultStores = new List<string>();
        foreach (var (provider, config) in byProvider.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (provider == ProviderNames.Kubernetes) continue;
            Qualified(merged.Http.Routers, config.Http.Routers, provider);
            Qualified(merged.Http.Services, config.Http.Services, provider);
            Qualified(merged.Http.Middlewares, config.Http.Middlewares, provider);
            Qualified(merged.Http.ServersTransports, config.Http.ServersTransports, provider);
            if (config.Tcp is { IsEmpty: false } tcp)
            {
                merged.Tcp ??= new TcpConfig();
                Qualified(merged.Tcp.Routers, tcp.Routers, provider);
                Qualified(merged.Tcp.Services, tcp.Services, provider);
                Qualified(merged.Tcp.Middlewares, tcp.Middlewares, provider);
                if (tcp.ServersTransports is { Count: > 0 } transports) Qualified(merged.Tcp.ServersTransports ??= new(StringComparer.Ordinal), transports, provider);
            }
            if (config.Udp is { IsEmpty: false } udp)
            {
                merged.Udp ??= new UdpConfig();
                Qualified(merged.Udp.Routers, udp.Routers, provider);
                Qualified(merged.Udp.Services, udp.Services, provider);
            }
            if (config.Tls is { Certificates.Count: > 0 } more)
                (merged.Tls ??= new TlsConfig()).Certificates.AddRange(more.Certificates);
            if (config.Tls?.Options is { Count: > 0 } options)
                TlsNamed((merged.Tls ??= new TlsConfig()).Options ??= new(StringComparer.Ordinal), options, provider, defaultOptions);
            if (config.Tls?.Stores is { Count: > 0 } stores)
                TlsNamed((merged.Tls ??= new TlsConfig()).Stores ??= new(StringComparer.Ordinal), stores, provider, defaultStores);
        }
        if (implied?.Tls?.Options?.ContainsKey(DefaultName) == true) defaultOptions.Insert(0, ProviderNames.Kubernetes);
        if (implied?.Tls?.Stores?.ContainsKey(DefaultName) == true) defaultStores.Insert(0, ProviderNames.Kubernetes);
        // Traefik: "default" defined by two providers is an error and neither is used.
        if (defaultOptions.Count > 1)
        {
            Edge.Observability.Logging.Log.Error("Default TLS Options defined in multiple providers", ("providers", string.Join(",", defaultOptions)));
            merged.Tls!.Options!.Remove(DefaultName);
        }
        if (defaultStores.Count > 1)
        {
            Edge.Observability.Logging.Log.Error("Default TLS Store defined in multiple providers", ("providers", string.Join(",", defaultStores)));
            merged.Tls!.Stores!.Remove(DefaultName);
        }
        return merged;
    }

    /// <summary>Traefik's one default TLS option set and store: named "default" whatever provider defines it.</summary>
    public const string DefaultName = "default";

    /// <summary>TLS options and stores are qualified like every object, except the one named "default" (Traefik's aggregator).</summary>
    private static void TlsNamed<T>(SortedDictionary<string, T> target, SortedDictionary<string, T> source, string provider, List<string> defaults)
    {
        foreach (var (name, value) in source)
        {
            if (name == DefaultName) defaults.Add(provider);
            target[name == DefaultName ? name : ProviderNames.Qualify(name, provider)] = value;
        }
    }

    private static SortedDictionary<string, T>? CopyOrNull<T>(SortedDictionary<string, T>? source) =>
        source is null ? null : new(source, StringComparer.Ordinal);

    private static SortedDictionary<string, T> Copy<T>(SortedDictionary<string, T>? source) =>
        source is null ? new(StringComparer.Ordinal) : new(source, StringComparer.Ordinal);

    private static void Qualified<T>(SortedDictionary<string, T> target, SortedDictionary<string, T> source, string provider)
    {
        foreach (var (name, value) in source)
            target[ProviderNames.Qualify(name, provider)] = value;
    }
}
