using Edge.Aggregation;
using Edge.Configuration;
using Edge.Model;

namespace Edge.Tests.Acme;

public class CertificateResolverOptionsTests
{
    private static readonly Dictionary<string, string?> NoEnv = new();
    private static StaticConfig Load(params string[] flags) => ConfigLoader.Load(["--entrypoints.web.address=:80", "--entrypoints.websecure.address=:443", .. flags], NoEnv);

    [Test]
    public async Task Traefiks_options_and_defaults_are_read()
    {
        var c = Load("--certificatesresolvers.le.acme.email=ops@example.com", "--certificatesresolvers.le.acme.httpchallenge.entrypoint=web",
            "--certificatesresolvers.le.acme.tlschallenge=true", "--certificatesresolvers.le.acme.keytype=ec256", "--certificatesresolvers.le.acme.certificatesduration=24",
            "--certificatesresolvers.le.acme.eab.kid=k1", "--certificatesresolvers.le.acme.eab.hmacencoded=c2VjcmV0", "--certificatesresolvers.le.acme.caservername=ca.test",
            "--certificatesresolvers.le.acme.clienttimeout=1m", "--certificatesresolvers.le.acme.preferredchain=ISRG Root X1",
            "--entrypoints.websecure.http.tls.certresolver=le", "--entrypoints.websecure.http.tls.domains[0].main=example.com",
            "--entrypoints.websecure.http.tls.domains[0].sans=www.example.com,api.example.com");
        var r = c.CertificatesResolvers["le"];
        await Assert.That(r.Email).IsEqualTo("ops@example.com");
        await Assert.That(r.HttpChallengeEntryPoint).IsEqualTo("web");
        await Assert.That(r.TlsChallenge).IsTrue();
        await Assert.That(r.KeyType).IsEqualTo("EC256");
        await Assert.That(r.CertificatesDuration).IsEqualTo(24);
        await Assert.That(r.EabKid).IsEqualTo("k1");
        await Assert.That(r.ClientTimeout).IsEqualTo(TimeSpan.FromMinutes(1));
        await Assert.That(r.ClientResponseHeaderTimeout).IsEqualTo(TimeSpan.FromSeconds(30));
        await Assert.That(r.CaServer).IsEqualTo("https://acme-v02.api.letsencrypt.org/directory");
        await Assert.That(r.Storage).IsEqualTo("acme.json");
        await Assert.That(c.EntryPoints["websecure"].HttpTlsCertResolver).IsEqualTo("le");
        await Assert.That(c.EntryPoints["websecure"].HttpTls).IsTrue();
        await Assert.That(c.EntryPoints["websecure"].HttpTlsDomains[0].Main).IsEqualTo("example.com");
        await Assert.That(c.EntryPoints["websecure"].HttpTlsDomains[0].Sans).IsEquivalentTo(new[] { "www.example.com", "api.example.com" });
    }

    [Test]
    public async Task Toml_and_yaml_lists_of_domains_are_read()
    {
        var toml = ConfigLoader.ParseToml("""
            [entryPoints.websecure.http.tls]
            certResolver = "le"
            [[entryPoints.websecure.http.tls.domains]]
            main = "a.example"
            sans = ["b.example"]
            [[entryPoints.websecure.http.tls.domains]]
            main = "c.example"
            [certificatesResolvers.le.acme]
            storage = "/data/acme.json"
            [certificatesResolvers.le.acme.tlsChallenge]
            """);
        await Assert.That(toml.Select(kv => kv.Key + "=" + kv.Value)).Contains("entryPoints.websecure.http.tls.domains[1].main=c.example");
        var yaml = YamlConfigFile.Parse("""
            entryPoints:
              websecure:
                http:
                  tls:
                    domains:
                      - main: a.example
                        sans: [b.example]
            """);
        await Assert.That(yaml.Select(kv => kv.Key + "=" + kv.Value)).Contains("entryPoints.websecure.http.tls.domains[0].sans=b.example");
    }

    [Test]
    [Arguments("--certificatesresolvers.le.acme.httpchallenge.entrypoint=nope", "certificatesResolvers.le.acme.httpChallenge.entryPoint", "a configured entry point, got \"nope\"")]
    [Arguments("--certificatesresolvers.le.acme.keytype=RSA1024", "certificatesResolvers.le.acme.keyType", "one of EC256, EC384, RSA2048, RSA4096, RSA8192")]
    [Arguments("--certificatesresolvers.le.acme.dnschallenge.provider=route53", "certificatesResolvers.le.acme.dnsChallenge.provider", "rfc2136, the only DNS provider Edge implements, got \"route53\"")]
    [Arguments("--certificatesresolvers.le.acme.dnschallenge=true", "certificatesResolvers.le.acme.dnsChallenge.provider", "a DNS provider name: rfc2136")]
    [Arguments("--certificatesresolvers.le.acme.dnschallenge.provider=rfc2136 --certificatesresolvers.le.acme.dnschallenge.resolvers=ns.example", "certificatesResolvers.le.acme.dnsChallenge.resolvers", "IP addresses")]
    [Arguments("--certificatesresolvers.le.tailscale=true", "certificatesResolvers.le.tailscale", "not implemented")]
    [Arguments("--certificatesresolvers.le.acme.email=a@b.c", "certificatesResolvers.le.acme", "ACME challenge not specified")]
    [Arguments("--certificatesresolvers.le.acme.certificatesduration=0", "certificatesResolvers.le.acme.certificatesDuration", "at least 1 hour")]
    [Arguments("--certificatesresolvers.le.acme.eab.kid=x", "certificatesResolvers.le.acme.eab.hmacEncoded", "both eab.kid and eab.hmacEncoded")]
    public async Task Bad_resolver_options_are_refused_naming_the_option(string flag, string option, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Load([.. flag.Split(' '), "--certificatesresolvers.le.acme.tlschallenge=" + (flag.Contains("email") ? "false" : "true")]));
        await Assert.That(e.Option.ToLowerInvariant()).IsEqualTo(option.ToLowerInvariant());
        await Assert.That(e.Message).Contains(expected);
    }

    [Test]
    public async Task A_router_naming_a_missing_resolver_is_in_error_and_its_entry_points_resolver_counts()
    {
        var statics = Load("--certificatesresolvers.le.acme.tlschallenge=true", "--entrypoints.websecure.http.tls.certresolver=gone");
        var config = new DynamicConfig();
        config.Http.Routers["own"] = new Router { Rule = "Host(`a.test`)", Service = "s", EntryPoints = ["web"], Tls = new RouterTls { CertResolver = "missing" } };
        config.Http.Routers["good"] = new Router { Rule = "Host(`b.test`)", Service = "s", EntryPoints = ["web"], Tls = new RouterTls { CertResolver = "le" } };
        config.Http.Routers["ep"] = new Router { Rule = "Host(`c.test`)", Service = "s", EntryPoints = ["websecure"] };
        var errors = new Dictionary<string, string>();
        CertResolverCheck.AddErrors(config, statics, new Dictionary<string, string>(), errors);
        await Assert.That(errors["own"]).IsEqualTo("Router uses a nonexistent certificate resolver: \"missing\"");
        await Assert.That(errors["ep"]).IsEqualTo("Router uses a nonexistent certificate resolver: \"gone\"");
        await Assert.That(errors.ContainsKey("good")).IsFalse();
        CertResolverCheck.AddErrors(config, statics, new Dictionary<string, string> { ["le"] = "permissions 644 for acme.json are too open, please use 600" }, errors);
        await Assert.That(errors["good"]).Contains("too open");
    }

    [Test]
    public async Task The_kubernetes_storage_needs_a_kubernetes_provider_leader_election_and_a_valid_namespace()
    {
        string[] acme = ["--certificatesresolvers.le.acme.tlschallenge=true"];
        var ok = Load([.. acme, "--certificatesresolvers.le.acme.storage=kubernetes:edge-acme", "--providers.kubernetesingress=true", "--leaderelection.enabled=true"]);
        await Assert.That(ok.CertificatesResolvers["le"].Storage).IsEqualTo("kubernetes:edge-acme");
        Load([.. acme, "--certificatesresolvers.le.acme.storage=kubernetes:", "--providers.kubernetesingress=true", "--leaderelection.enabled=true"]);
        var noLease = Assert.Throws<ConfigException>(() => Load([.. acme, "--certificatesresolvers.le.acme.storage=kubernetes:edge-acme", "--providers.kubernetesingress=true"]));
        await Assert.That(noLease.Message).Contains("certificatesResolvers.le.acme.storage").And.Contains("leaderElection.enabled=true");
        var noProvider = Assert.Throws<ConfigException>(() => Load([.. acme, "--certificatesresolvers.le.acme.storage=kubernetes:edge-acme", "--providers.file.filename=/tmp/dynamic.yaml", "--leaderelection.enabled=true"]));
        await Assert.That(noProvider.Message).Contains("providers.kubernetesIngress");
        var badNs = Assert.Throws<ConfigException>(() => Load([.. acme, "--certificatesresolvers.le.acme.storage=kubernetes:Edge_ACME", "--providers.kubernetesingress=true", "--leaderelection.enabled=true"]));
        await Assert.That(badNs.Message).Contains("Edge_ACME");
    }
}
