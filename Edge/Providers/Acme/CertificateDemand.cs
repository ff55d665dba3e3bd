using Edge.Configuration;
using Edge.Model;

namespace Edge.Providers.Acme;

/// <summary>One certificate a resolver is asked for: its names (main first) and the routers that want it.</summary>
public sealed record DomainSet(IReadOnlyList<string> Domains, IReadOnlyList<string> Routers)
{
    public string Key => string.Join(",", Domains.Order(StringComparer.Ordinal));
    public bool HasWildcard => Domains.Any(d => d.StartsWith("*.", StringComparison.Ordinal));
}

/// <summary>Tenancy mode: a name a router asked a resolver for that its namespace does not own (<paramref name="Owner"/>: who does, null for nobody).</summary>
public sealed record DemandRefusal(string Router, string Namespace, string Host, string? Owner, bool Explicitly)
{
    public string Message => $"router \"{Router}\" of namespace \"{Namespace}\" asks for a certificate for host \"{Host}\", which "
        + (Owner is null ? "no namespace owns" : $"belongs to namespace \"{Owner}\"")
        + (Explicitly ? "; the certificate (tls.domains) is not requested" : "; the host is left out of its certificate");
}

/// <summary>
/// The certificates the routers of a configuration ask a resolver for, derived as Traefik's ACME
/// provider does (watchNewDomains): a router's <c>tls.domains</c>, each main with its SANs, else the
/// Host names of its rule as one certificate (the first as main); a router without a TLS section
/// takes its entry point's <c>http.tls.certResolver</c> and <c>domains</c> (Traefik's entry point
/// model). Names are lower-cased and lose a trailing dot (sanitizeDomains); duplicates merge.
/// <para>Tenancy mode (the configuration carries a <see cref="Edge.Tenancy.HostOwnership"/>): a
/// router of a namespace asks only for hosts that namespace owns. Its rule's hosts owned by others
/// (or by nobody) are left out; a <c>tls.domains</c> entry (or an entry point's) naming such a host
/// is refused whole, reported in <paramref name="refused"/>. Routers without a namespace (the
/// administrator's: file provider, static configuration) are not restricted.</para>
/// </summary>
public static class CertificateDemand
{
    /// <param name="hostsOf">The Host names of a router's rule (Traefik's ParseDomains), from the data plane's rule parser.</param>
    /// <param name="refused">Tenancy mode: receives every name a router asked for that its namespace does not own.</param>
    public static List<DomainSet> For(string resolver, DynamicConfig config, StaticConfig statics, Func<Router, IReadOnlyList<string>> hostsOf,
        List<DemandRefusal>? refused = null)
    {
        var ownership = config.HostOwnership;
        var defaults = statics.DefaultEntryPoints();
        var byKey = new Dictionary<string, (List<string> Domains, List<string> Routers)>(StringComparer.Ordinal);
        foreach (var (name, router) in config.Http.Routers)
        {
            if (router.DisabledReason is not null || ProviderNames.IsInternal(name)) continue;
            var ns = ownership is null ? null : router.Namespace;
            foreach (var (domains, explicitly) in Wanted(resolver, router, statics, defaults, hostsOf))
            {
                var clean = domains.Select(Sanitize).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal).ToList();
                if (ns is not null && ownership is not null)
                {
                    var foreign = clean.Where(d => !string.Equals(ownership.OwnerOf(d), ns, StringComparison.Ordinal)).ToList();
                    foreach (var d in foreign) refused?.Add(new DemandRefusal(ProviderNames.Qualify(name), ns, d, ownership.OwnerOf(d), explicitly));
                    // A named certificate (tls.domains) is refused whole; rule hosts lose only what the namespace does not own.
                    if (foreign.Count > 0) clean = explicitly ? [] : clean.Except(foreign, StringComparer.Ordinal).ToList();
                }
                if (clean.Count == 0) continue;
                var key = string.Join(",", clean.Order(StringComparer.Ordinal));
                if (!byKey.TryGetValue(key, out var entry)) byKey[key] = entry = (clean, new List<string>());
                entry.Routers.Add(ProviderNames.Qualify(name));
            }
        }
        return byKey.Values.Select(v => new DomainSet(v.Domains, v.Routers)).ToList();
    }

    private static IEnumerable<(IReadOnlyList<string> Domains, bool Explicitly)> Wanted(string resolver, Router router, StaticConfig statics, IReadOnlyList<string> defaults, Func<Router, IReadOnlyList<string>> hostsOf)
    {
        if (router.Tls is { } tls)
        {
            if (!string.Equals(tls.CertResolver, resolver, StringComparison.OrdinalIgnoreCase)) yield break;
            if (tls.Domains is { Count: > 0 } domains)
            {
                foreach (var d in domains)
                    if (!string.IsNullOrEmpty(d.Main)) yield return ([d.Main, .. d.Sans ?? []], true);
            }
            else yield return (hostsOf(router), false);
            yield break;
        }
        foreach (var ep in router.EntryPoints ?? defaults)
        {
            if (!statics.EntryPoints.TryGetValue(ep, out var e) || !string.Equals(e.HttpTlsCertResolver, resolver, StringComparison.OrdinalIgnoreCase)) continue;
            if (e.HttpTlsDomains.Count > 0)
                foreach (var d in e.HttpTlsDomains) yield return ([d.Main, .. d.Sans], true);
            else yield return (hostsOf(router), false);
        }
    }

    /// <summary>
    /// Logs each refusal once while it lasts (the demand is derived again on every configuration):
    /// <paramref name="logged"/> keeps the refusals of the previous derivation.
    /// </summary>
    public static void Report(string resolver, List<DemandRefusal> refused, HashSet<string> logged)
    {
        var now = refused.Select(r => r.Message).ToHashSet(StringComparer.Ordinal);
        lock (logged)
        {
            foreach (var r in refused)
                if (!logged.Contains(r.Message))
                    Edge.Observability.Logging.Log.Error("ACME certificate refused: the host belongs to another namespace", ("resolver", resolver),
                        ("router", r.Router), ("namespace", r.Namespace), ("host", r.Host), ("owner", r.Owner ?? ""), ("error", r.Message));
            logged.Clear();
            logged.UnionWith(now);
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
