using Edge.Aggregation;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Providers.Acme;
using Edge.Providers.Kubernetes.Client;
using Edge.Security.Acme;

namespace Edge.Hosting;

/// <summary>
/// Builds the configured certificate resolvers: each reads its storage, publishes its certificates
/// as the provider <c>&lt;name&gt;.acme</c> and learns the Host names of routers from the data
/// plane's rule parser (the provider stage cannot use the data plane itself). Resolvers with the
/// Kubernetes storage share one <see cref="AcmeSecretStore"/> per namespace, attached to the API
/// server and the leader election once those exist (<see cref="AttachKubernetes"/>).
/// </summary>
public sealed class AcmeWiring
{
    public List<AcmeResolver> Resolvers { get; } = new();
    public Dictionary<string, AcmeSecretStore> SecretStores { get; } = new(StringComparer.Ordinal);

    public static AcmeWiring Create(StaticConfig config, ConfigurationAggregator aggregator, ChallengeResponder challenges)
    {
        var syntax = config.KubernetesIngress.DefaultRuleSyntax == "v2" ? RuleSyntax.V2 : RuleSyntax.V3;
        var wiring = new AcmeWiring();
        foreach (var options in config.CertificatesResolvers.Values)
        {
            var name = options.Name;
            IAcmeStore? store = null;
            if (AcmeStorageKind.IsKubernetes(options.Storage))
            {
                var ns = AcmeStorageKind.Namespace(options.Storage);
                if (!wiring.SecretStores.TryGetValue(ns, out var shared)) wiring.SecretStores[ns] = shared = new AcmeSecretStore(ns, challenges);
                store = shared;
            }
            var refusedLogged = new HashSet<string>(StringComparer.Ordinal);
            var resolver = new AcmeResolver(options, challenges,
                c =>
                {
                    // Tenancy: a router asks only for hosts its namespace owns; the rest is logged once, naming router, namespace and host.
                    var refused = new List<DemandRefusal>();
                    var sets = CertificateDemand.For(name, c, config, r => HostsOf(r, syntax), refused);
                    CertificateDemand.Report(name, refused, refusedLogged);
                    return sets;
                },
                certs => aggregator.UpdateAsync(name + ".acme", new DynamicConfig { Tls = new TlsConfig { Certificates = [.. certs] } }, []), store);
            resolver.Initialize();
            wiring.Resolvers.Add(resolver);
        }
        return wiring;
    }

    /// <summary>The Kubernetes storages watch their namespace from now on; only the leader writes, and a change of leader wakes every resolver.</summary>
    public void AttachKubernetes(KubeApi api, LeaderElector elector, string leaseNamespace)
    {
        foreach (var store in SecretStores.Values) store.Attach(api, () => elector.IsLeader, leaseNamespace);
        foreach (var resolver in Resolvers)
            if (resolver.Store is AcmeSecretStore secrets)
            {
                var events = new AcmeEvents(api, secrets.Namespace, elector.Identity);
                resolver.OrderCompleted += o => _ = events.RecordAsync(o);
            }
        if (SecretStores.Count > 0)
            elector.LeadershipChanged += _ => { foreach (var r in Resolvers) r.Poke(); };
    }

    public IEnumerable<Task> RunStores(CancellationToken ct) => SecretStores.Values.Select(s => s.RunAsync(ct));

    /// <summary>Traefik's httpmuxer.ParseDomains: the Host names of a router's rule.</summary>
    public static IReadOnlyList<string> HostsOf(Router r, RuleSyntax syntax)
    {
        var parsed = RuleCache.Parse("acme", r.Rule, RuleParser.ResolveSyntax(r.RuleSyntax, syntax));
        return parsed.Success ? TlsOptionsCompiler.Hosts(parsed.Rule.SyntaxTree) : [];
    }
}
