using Edge.Configuration;
using Edge.Model;

namespace Edge.Providers.Acme;

/// <summary>One certificate a resolver is asked for: its names (main first) and the routers that want it.</summary>
public sealed record DomainSet(IReadOnlyList<string> Domains, IReadOnlyList<string> Routers)
{
    public string Key => string.Join(",", Domains.Order(StringComparer.Ordinal));
    public bool HasWildcard => Domains.Any(d => d.StartsWith("*.", StringComparison.Ordinal));
}

/// <summary>
/// The certificates the routers of a configuration ask a resolver for, derived as Traefik's ACME
/// provider does (watchNewDomains): a router's <c>tls.domains</c>, each main with its SANs, else the
/// Host names of its rule as one certificate (the first as main); a router without a TLS section
/// takes its entry point's <c>http.tls.certResolver</c> and <c>domains</c> (Traefik's entry point
/// model). Names are lower-cased and lose a trailing dot (sanitizeDomains); duplicates merge.
/// </summary>
public static class CertificateDemand
{
    /// <param name="hostsOf">The Host names of a router's rule (Traefik's ParseDomains), from the data plane's rule parser.</param>
    public static List<DomainSet> For(string resolver, DynamicConfig config, StaticConfig statics, Func<Router, IReadOnlyList<string>> hostsOf)
    {
        var defaults = statics.DefaultEntryPoints();
        var byKey = new Dictionary<string, (List<string> Domains, List<string> Routers)>(StringComparer.Ordinal);
        foreach (var (name, router) in config.Http.Routers)
        {
            if (router.DisabledReason is not null || ProviderNames.IsInternal(name)) continue;
            foreach (var domains in Wanted(resolver, router, statics, defaults, hostsOf))
            {
                var clean = domains.Select(Sanitize).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal).ToList();
                if (clean.Count == 0) continue;
                var key = string.Join(",", clean.Order(StringComparer.Ordinal));
                if (!byKey.TryGetValue(key, out var entry)) byKey[key] = entry = (clean, new List<string>());
                entry.Routers.Add(ProviderNames.Qualify(name));
            }
        }
        return byKey.Values.Select(v => new DomainSet(v.Domains, v.Routers)).ToList();
    }

    private static IEnumerable<IReadOnlyList<string>> Wanted(string resolver, Router router, StaticConfig statics, IReadOnlyList<string> defaults, Func<Router, IReadOnlyList<string>> hostsOf)
    {
        if (router.Tls is { } tls)
        {
            if (!string.Equals(tls.CertResolver, resolver, StringComparison.OrdinalIgnoreCase)) yield break;
            if (tls.Domains is { Count: > 0 } domains)
            {
                foreach (var d in domains)
                    if (!string.IsNullOrEmpty(d.Main)) yield return [d.Main, .. d.Sans ?? []];
            }
            else yield return hostsOf(router);
            yield break;
        }
        foreach (var ep in router.EntryPoints ?? defaults)
        {
            if (!statics.EntryPoints.TryGetValue(ep, out var e) || !string.Equals(e.HttpTlsCertResolver, resolver, StringComparison.OrdinalIgnoreCase)) continue;
            if (e.HttpTlsDomains.Count > 0)
                foreach (var d in e.HttpTlsDomains) yield return [d.Main, .. d.Sans];
            else yield return hostsOf(router);
        }
    }

    /// <summary>Traefik's sanitizeDomains: canonical (lower case), no trailing dot.</summary>
    public static string Sanitize(string domain) => domain.Trim().ToLowerInvariant().TrimEnd('.');
}

/// <summary>
/// When a certificate is renewed: Traefik's getCertificateRenewDurations, a renewal period before
/// expiry and a check interval picked by certificatesDuration (hours). For 90-day certificates that
/// is 30 days before expiry, a third of the lifetime, checked daily; shorter durations renew
/// proportionally sooner and are checked more often.
/// </summary>
public static class RenewalPolicy
{
    public static (TimeSpan RenewPeriod, TimeSpan CheckInterval) For(int certificatesDurationHours) => certificatesDurationHours switch
    {
        >= 365 * 24 => (TimeSpan.FromDays(120), TimeSpan.FromDays(7)),
        >= 90 * 24 => (TimeSpan.FromDays(30), TimeSpan.FromDays(1)),
        >= 30 * 24 => (TimeSpan.FromDays(10), TimeSpan.FromHours(12)),
        >= 6 * 24 => (TimeSpan.FromDays(2), TimeSpan.FromHours(2)),
        >= 24 => (TimeSpan.FromHours(6), TimeSpan.FromMinutes(10)),
        _ => (TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(1)),
    };

    public static bool IsDue(DateTime notAfterUtc, DateTime nowUtc, int certificatesDurationHours) =>
        notAfterUtc < nowUtc + For(certificatesDurationHours).RenewPeriod;
}
