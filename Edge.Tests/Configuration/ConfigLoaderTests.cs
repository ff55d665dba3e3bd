using Edge.Configuration;

namespace Edge.Tests.Configuration;

public class ConfigLoaderTests
{
    private static readonly Dictionary<string, string?> NoEnv = new();

    [Test]
    public async Task Flags_set_provider_options_case_insensitively()
    {
        var c = ConfigLoader.Load([
            "--entrypoints.web.address=:8000", "--Providers.KubernetesIngress.Namespaces=a,b",
            "--providers.kubernetesingress.allowEmptyServices", "--providers.kubernetesingress.throttleduration", "3s",
            "--providers.kubernetesingress.ingressendpoint.publishedservice=kube-system/edge",
            "--providers.kubernetesingress.labelselector=app=edge,tier in (front,edge)",
            "--providers.kubernetesingress.crossprovidernamespaces=ops",
            "--api.insecure=true", "--ping"], NoEnv);
        await Assert.That(c.EntryPoints["web"].Address).IsEqualTo(":8000");
        await Assert.That(c.KubernetesIngress.Namespaces).IsEquivalentTo(new[] { "a", "b" });
        await Assert.That(c.KubernetesIngress.AllowEmptyServices).IsTrue();
        await Assert.That(c.KubernetesIngress.ThrottleDuration).IsEqualTo(TimeSpan.FromSeconds(3));
        await Assert.That(c.KubernetesIngress.IngressEndpointPublishedService).IsEqualTo("kube-system/edge");
        await Assert.That(c.KubernetesIngress.LabelSelector).IsEqualTo("app=edge,tier in (front,edge)");
        await Assert.That(c.KubernetesIngress.CrossProviderNamespaces!).IsEquivalentTo(new[] { "ops" });
        await Assert.That(c.Api.Insecure).IsTrue();
        await Assert.That(c.Ping.Enabled).IsTrue();
        // api.insecure and ping create Traefik's "traefik" entry point on :8080.
        await Assert.That(c.EntryPoints["traefik"].Address).IsEqualTo(":8080");
    }

    [Test]
    public async Task No_entry_point_gives_traefiks_default_http_on_80()
    {
        var c = ConfigLoader.Load([], NoEnv);
        await Assert.That(c.EntryPoints["http"].Address).IsEqualTo(":80");
        await Assert.That(c.ProvidersThrottleDuration).IsEqualTo(TimeSpan.FromSeconds(2));
    }

    [Test]
    [Arguments("--nope=1", "--nope")]
    [Arguments("--providers.kubernetesingress.allowemptyservices=maybe", "allowEmptyServices")]
    [Arguments("--entrypoints.web.http2.maxEncoderHeaderTableSize=8192", "maxEncoderHeaderTableSize")]
    [Arguments("--providers.kubernetesingress.throttleduration=soon", "throttleDuration")]
    [Arguments("--providers.kubernetesingress.labelselector=a=b=c", "labelSelector")]
    [Arguments("--providers.kubernetesingress.ingressendpoint.publishedservice=nons", "publishedService")]
    [Arguments("--log.level=LOUD", "log.level")]
    [Arguments("--tenancy.ratelimit.average=-5", "tenancy.rateLimit.average")]
    [Arguments("--configFile=a\0b", "configFile")]
    [Arguments("--providers.kubernetesingress.throttleduration=99999999999999999h", "throttleDuration")]   // regression: fuzz branch
    [Arguments("--providers.kubernetesingress.throttleduration=99999999999999999", "throttleDuration")]   // regression: found by scripts/fuzz (flags target)
    [Arguments("--tenancy.maxconcurrentrequests=many", "tenancy.maxConcurrentRequests")]
    [Arguments("--providers.kubernetesingress.endpoint", "endpoint")]
    public async Task Bad_flags_name_the_option(string flag, string named)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load([flag], NoEnv));
        await Assert.That(e.Message).Contains(named);
        await Assert.That(e.Message).Contains("expected");
    }

    [Test]
    public async Task Tenancy_section_from_flags_and_toml()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, """
            [tenancy]
              enabled = true
              defaultBackendNamespaces = ["infra", "ops"]
              maxConcurrentRequests = 100
              [tenancy.rateLimit]
                average = 50
            [accessLog]
              perNamespaceDir = "/var/log/edge/tenants"
            """);
        try
        {
            var c = ConfigLoader.Load(["--configfile=" + path, "--TENANCY.RATELIMIT.BURST=80"], NoEnv);
            var t = c.KubernetesIngress.Tenancy;
            await Assert.That(c.KubernetesIngress.TenancyEnabled).IsTrue();
            await Assert.That(t.DefaultBackendNamespaces).IsEquivalentTo(new[] { "infra", "ops" });
            await Assert.That(t.MaxConcurrentRequests).IsEqualTo(100);
            await Assert.That(t.RateLimitAverage).IsEqualTo(50);
            await Assert.That(t.RateLimitBurst).IsEqualTo(80);
            await Assert.That(c.AccessLog.PerNamespaceDir).IsEqualTo("/var/log/edge/tenants");
        }
        finally { File.Delete(path); }
    }

    [Test]
    public async Task Mutually_exclusive_status_options_are_rejected()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load([
            "--providers.kubernetesingress.reportnodeinternalips", "--providers.kubernetesingress.ingressendpoint.ip=1.2.3.4"], NoEnv));
        await Assert.That(e.Message).Contains("mutually exclusive");
    }

    [Test]
    public async Task Toml_file_uses_traefik_keys()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, """
            [global]
              checkNewVersion = false
            [log]
              level = "DEBUG"
              noColor = true
            [api]
              insecure = true
            [ping]
            [entryPoints]
              [entryPoints.web]
                address = ":8000"
            [providers.kubernetesIngress]
              namespaces = ["default", "team-a"]
              ingressClass = "traefik-keep"
              disableIngressClassLookup = true
              [providers.kubernetesIngress.ingressEndpoint]
                hostname = "lb.example.com"
            """);
        var c = ConfigLoader.Load(["--configfile=" + path], NoEnv);
        await Assert.That(c.Log.Level).IsEqualTo("DEBUG");
        await Assert.That(c.Api.Insecure).IsTrue();
        await Assert.That(c.Ping.Enabled).IsTrue();
        await Assert.That(c.EntryPoints["web"].Address).IsEqualTo(":8000");
        await Assert.That(c.KubernetesIngress.Namespaces).IsEquivalentTo(new[] { "default", "team-a" });
        await Assert.That(c.KubernetesIngress.IngressClass).IsEqualTo("traefik-keep");
        await Assert.That(c.KubernetesIngress.DisableIngressClassLookup).IsTrue();
        await Assert.That(c.KubernetesIngress.IngressEndpointHostname).IsEqualTo("lb.example.com");
    }

    [Test]
    public async Task Flags_win_over_file_and_file_over_environment()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, "[providers.kubernetesIngress]\ningressClass = \"from-file\"\nlabelSelector = \"from=file\"\n");
        var env = new Dictionary<string, string?>
        {
            ["TRAEFIK_PROVIDERS_KUBERNETESINGRESS_INGRESSCLASS"] = "from-env",
            ["TRAEFIK_PROVIDERS_KUBERNETESINGRESS_LABELSELECTOR"] = "from=env",
            ["EDGE_PROVIDERS_KUBERNETESINGRESS_NAMESPACES"] = "envns",
            ["TRAEFIK_SOMETHING_UNRELATED"] = "x",
        };
        var c = ConfigLoader.Load(["--configFile", path, "--providers.kubernetesIngress.ingressClass=from-flag"], env);
        await Assert.That(c.KubernetesIngress.IngressClass).IsEqualTo("from-flag");
        await Assert.That(c.KubernetesIngress.LabelSelector).IsEqualTo("from=file");
        await Assert.That(c.KubernetesIngress.Namespaces).IsEquivalentTo(new[] { "envns" });
    }

    [Test]
    public async Task Broken_toml_names_the_file_and_position()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, "[api\ninsecure = true\n");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(["--configfile=" + path], NoEnv));
        await Assert.That(e.Message).Contains(path);
        await Assert.That(e.Message).Contains("line 1");
    }

    [Test]
    public async Task Unknown_toml_key_is_rejected_by_name()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, "[providers.kubernetesIngress]\nnamespacez = [\"a\"]\n");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(["--configfile=" + path], NoEnv));
        await Assert.That(e.Message).Contains("providers.kubernetesIngress.namespacez");
    }

    [Test]
    [Arguments("2s", 2000)]
    [Arguments("100ms", 100)]
    [Arguments("1m30s", 90000)]
    [Arguments("5", 5000)]
    [Arguments("1.5s", 1500)]
    public async Task Durations_parse_like_go(string text, int ms)
    {
        await Assert.That(OptionValues.Duration("x", text)).IsEqualTo(TimeSpan.FromMilliseconds(ms));
    }

    [Test]
    public async Task Help_lists_every_option_with_default()
    {
        var help = Edge.Hosting.HelpText.Build();
        foreach (var o in OptionRegistry.All)
            await Assert.That(help).Contains("--" + o.Name);
        await Assert.That(help).Contains("(Default: \"2s\")");
    }
}

public class ShippedConfigTests
{
    [Test]
    public async Task Example_file_and_integration_files_load()
    {
        var c = ConfigLoader.Load(["--configfile=" + Path.Combine(Support.RepoPaths.Root, "edge.toml.example")], new Dictionary<string, string?>());
        await Assert.That(c.EntryPoints["websecure"].ForwardedHeadersTrustedIPs).IsEquivalentTo(new[] { "127.0.0.1/32" });
        await Assert.That(c.ServersTransport.DialTimeout).IsEqualTo(TimeSpan.FromSeconds(30));
        foreach (var f in Directory.GetFiles(Path.Combine(Support.RepoPaths.Conformance, "integration", "config"), "*.toml"))
        {
            var ic = ConfigLoader.Load(["--configfile=" + f], new Dictionary<string, string?>());
            await Assert.That(ic.EntryPoints["web"].Address).IsEqualTo(":8000");
            await Assert.That(ic.Api.Insecure).IsTrue();
        }
    }
}
