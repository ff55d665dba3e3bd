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
            Tls = implied?.Tls is { } tls ? new TlsConfig { Certificates = [.. tls.Certificates] } : null,
            NamespaceLimits = implied?.NamespaceLimits ?? new(StringComparer.Ordinal),
            HostOwnership = implied?.HostOwnership,
        };
        foreach (var (provider, config) in byProvider.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (provider == ProviderNames.Kubernetes) continue;
            Qualified(merged.Http.Routers, config.Http.Routers, provider);
            Qualified(merged.Http.Services, config.Http.Services, provider);
            Qualified(merged.Http.Middlewares, config.Http.Middlewares, provider);
            Qualified(merged.Http.ServersTransports, config.Http.ServersTransports, provider);
            if (config.Tls is { Certificates.Count: > 0 } more)
                (merged.Tls ??= new TlsConfig()).Certificates.AddRange(more.Certificates);
        }
        return merged;
    }

    private static SortedDictionary<string, T> Copy<T>(SortedDictionary<string, T>? source) =>
        source is null ? new(StringComparer.Ordinal) : new(source, StringComparer.Ordinal);

    private static void Qualified<T>(SortedDictionary<string, T> target, SortedDictionary<string, T> source, string provider)
    {
        foreach (var (name, value) in source)
            target[ProviderNames.Qualify(name, provider)] = value;
    }
}
