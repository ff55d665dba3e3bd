using Edge.Aggregation;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Providers.Acme;
using Edge.Security.Acme;

namespace Edge.Hosting;

/// <summary>
/// Builds the configured certificate resolvers: each reads its storage, publishes its certificates
/// as the provider <c>&lt;name&gt;.acme</c> and learns the Host names of routers from the data
/// plane's rule parser (the provider stage cannot use the data plane itself).
/// </summary>
public static class AcmeWiring
{
    public static List<AcmeResolver> Create(StaticConfig config, ConfigurationAggregator aggregator, ChallengeResponder challenges)
    {
        var syntax = config.KubernetesIngress.DefaultRuleSyntax == "v2" ? RuleSyntax.V2 : RuleSyntax.V3;
        var list = new List<AcmeResolver>();
        foreach (var options in config.CertificatesResolvers.Values)
        {
            var name = options.Name;
            var resolver = new AcmeResolver(options, challenges,
                c => CertificateDemand.For(name, c, config, r => HostsOf(r, syntax)),
                certs => aggregator.UpdateAsync(name + ".acme", new DynamicConfig { Tls = new TlsConfig { Certificates = [.. certs] } }, []));
            resolver.Initialize();
            list.Add(resolver);
        }
        return list;
    }

    /// <summary>Traefik's httpmuxer.ParseDomains: the Host names of a router's rule.</summary>
    public static IReadOnlyList<string> HostsOf(Router r, RuleSyntax syntax)
    {
        var parsed = RuleCache.Parse("acme", r.Rule, RuleParser.ResolveSyntax(r.RuleSyntax, syntax));
        return parsed.Success ? TlsOptionsCompiler.Hosts(parsed.Rule.SyntaxTree) : [];
    }
}
