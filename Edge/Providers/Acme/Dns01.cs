using Edge.Configuration;
using Edge.Security.Acme.Dns;

namespace Edge.Providers.Acme;

/// <summary>A resolver's dnsChallenge settings: the options plus lego's RFC2136_* environment variables, read once at start.</summary>
public static class Dns01
{
    /// <summary>Null without dnsChallenge; a <see cref="ConfigException"/> (exit 2) naming the option when the environment is wrong.</summary>
    public static Dns01Settings? Of(AcmeResolverOptions o, Func<string, string?>? env = null)
    {
        if (!o.DnsChallenge) return null;
        Rfc2136Settings rfc2136;
        try { rfc2136 = Rfc2136Settings.FromEnvironment(env ?? Environment.GetEnvironmentVariable); }
        catch (ArgumentException e)
        {
            throw new ConfigException($"certificatesResolvers.{o.Name}.acme.dnsChallenge.provider",
                $"the rfc2136 provider's environment (lego's RFC2136_* variables): {e.Message}");
        }
        var resolvers = o.DnsResolvers.Select(r => Rfc2136Settings.Endpoint(r.Trim())!).ToList();
        return new Dns01Settings(rfc2136, o.DnsDelayBeforeChecks, o.DnsDisableChecks, resolvers);
    }
}
