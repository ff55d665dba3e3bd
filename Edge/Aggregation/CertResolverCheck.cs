using Edge.Configuration;
using Edge.Model;

namespace Edge.Aggregation;

/// <summary>
/// Fail closed on certificate resolvers: a router whose <c>tls.certResolver</c> (or, without a TLS
/// section, its entry point's <c>http.tls.certResolver</c>) names no configured resolver is in error
/// (Traefik only logs "Router uses a nonexistent certificate resolver" and serves the default
/// certificate), and so is one whose resolver is unavailable (its storage cannot be used), and, in
/// tenancy mode, one whose <c>tls.domains</c> name a host its namespace does not own.
/// </summary>
public static class CertResolverCheck
{
    /// <param name="unavailable">Resolver name to why it cannot work; resolvers not listed work.</param>
    public static void AddErrors(DynamicConfig config, StaticConfig statics, IReadOnlyDictionary<string, string> unavailable, Dictionary<string, string> errors) =>
        AddErrors(config.Http.Routers, config.HostOwnership, statics, unavailable, errors);

    /// <summary>The same for some routers only (the ones a change touched).</summary>
    /// <param name="owners">Tenancy's host owners (null outside tenancy mode).</param>
    public static void AddErrors(IEnumerable<KeyValuePair<string, Router>> routers, Edge.Tenancy.HostOwnership? owners, StaticConfig statics, IReadOnlyDictionary<string, string> unavailable, Dictionary<string, string> errors)
    {
        var defaults = statics.DefaultEntryPoints();
        foreach (var (name, router) in routers)
        {
            if (ProviderNames.IsInternal(name) || errors.ContainsKey(name)) continue;
            foreach (var resolver in ResolversOf(router, statics, defaults))
            {
                if (!statics.CertificatesResolvers.ContainsKey(resolver))
                {
                    errors[name] = $"Router uses a nonexistent certificate resolver: \"{resolver}\"";
                    break;
                }
                if (unavailable.TryGetValue(resolver, out var why))
                {
                    errors[name] = $"certificate resolver \"{resolver}\" is unavailable: {why}";
                    break;
                }
                // Tenancy: tls.domains may name only hosts the router's namespace owns.
                if (router.Tls?.Domains is { Count: > 0 } domains && Edge.Tenancy.CertificateHosts.ForeignHostError(
                        router.Namespace, domains.SelectMany(d => (IEnumerable<string>)[d.Main ?? "", .. d.Sans ?? []]),
                        owners, resolver) is { } foreign)
                {
                    errors[name] = foreign;
                    break;
                }
            }
        }
    }

    /// <summary>The certificate resolvers a router uses: its own, else those of its entry points (Traefik's entry point model).</summary>
    public static IEnumerable<string> ResolversOf(Router router, StaticConfig statics, IReadOnlyList<string> defaults)
    {
        if (router.Tls is { } tls)
        {
            if (!string.IsNullOrEmpty(tls.CertResolver)) yield return tls.CertResolver;
            yield break;
        }
        foreach (var ep in router.EntryPoints ?? defaults)
            if (statics.EntryPoints.TryGetValue(ep, out var e) && e.HttpTlsCertResolver.Length > 0) yield return e.HttpTlsCertResolver;
    }
}
