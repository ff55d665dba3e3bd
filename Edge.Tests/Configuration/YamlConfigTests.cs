using Edge.Configuration;

namespace Edge.Tests.Configuration;

/// <summary>The YAML static configuration (traefik.yml): same keys and strictness as TOML, and Traefik's file lookup.</summary>
public class YamlConfigTests
{
    private static readonly Dictionary<string, string?> NoEnv = new();

    private static string Write(string ext, string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("edge-yaml").FullName, "static." + ext);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    [Arguments("yaml")]
    [Arguments("yml")]
    public async Task Yaml_file_uses_traefik_keys(string ext)
    {
        var path = Write(ext, """
            global:
              checkNewVersion: false
            log:
              level: DEBUG
            api:
              insecure: true
            ping:
            entryPoints:
              web:
                address: ":8000"
                transport:
                  respondingTimeouts:
                    readTimeout: 5s
            providers:
              kubernetesIngress:
                namespaces:
                  - default
                  - team-a
                ingressClass: traefik-keep
                ingressEndpoint:
                  hostname: lb.example.com
            tenancy:
              rateLimit:
                average: 7
            """);
        var c = ConfigLoader.Load(["--configfile=" + path], NoEnv);
        await Assert.That(c.Log.Level).IsEqualTo("DEBUG");
        await Assert.That(c.Api.Insecure).IsTrue();
        await Assert.That(c.Ping.Enabled).IsTrue();
        await Assert.That(c.EntryPoints["web"].Address).IsEqualTo(":8000");
        await Assert.That(c.EntryPoints["web"].ReadTimeout).IsEqualTo(TimeSpan.FromSeconds(5));
        await Assert.That(c.KubernetesIngress.Namespaces).IsEquivalentTo(new[] { "default", "team-a" });
        await Assert.That(c.KubernetesIngress.IngressClass).IsEqualTo("traefik-keep");
        await Assert.That(c.KubernetesIngress.IngressEndpointHostname).IsEqualTo("lb.example.com");
        await Assert.That(c.KubernetesIngress.Tenancy.RateLimitAverage).IsEqualTo(7);
    }

    [Test]
    public async Task Unknown_yaml_key_is_rejected_by_name()
    {
        var path = Write("yaml", "providers:\n  kubernetesIngress:\n    namespacez: [a]\n");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(["--configfile=" + path], NoEnv));
        await Assert.That(e.Message).Contains("providers.kubernetesIngress.namespacez");
    }

    [Test]
    public async Task Broken_yaml_names_the_file_and_line()
    {
        var path = Write("yml", "api:\n  insecure: true\n bad indentation: [\n");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(["--configfile=" + path], NoEnv));
        await Assert.That(e.Message).Contains(path);
        await Assert.That(e.Message).Contains("line ");
    }

    [Test]
    public async Task Nested_structure_where_a_value_belongs_names_the_key()
    {
        var path = Write("yaml", "log:\n  level:\n    - a: b\n");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(["--configfile=" + path], NoEnv));
        await Assert.That(e.Message).Contains("log.level");
    }

    [Test]
    public async Task The_example_files_are_twins()
    {
        static Dictionary<string, string> Read(string file) =>
            ConfigLoader.ReadFile(Path.Combine(Support.RepoPaths.Root, file))
                .ToDictionary(kv => kv.Key.ToLowerInvariant(), kv => kv.Value);
        var toml = Read("edge.toml.example");
        var yaml = Read("edge.yaml.example");
        await Assert.That(toml.Count).IsGreaterThan(15);
        await Assert.That(yaml.OrderBy(kv => kv.Key).ToList()).IsEquivalentTo(toml.OrderBy(kv => kv.Key).ToList());
        // And the whole configuration built from each is the same.
        var a = ConfigLoader.Load(["--configfile=" + Path.Combine(Support.RepoPaths.Root, "edge.toml.example")], NoEnv);
        var b = ConfigLoader.Load(["--configfile=" + Path.Combine(Support.RepoPaths.Root, "edge.yaml.example")], NoEnv);
        await Assert.That(Support.StaticConfigText.Of(a)).Contains("[websecure].ForwardedHeadersTrustedIPs[0]=127.0.0.1/32");
        await Assert.That(Support.StaticConfigText.Of(b)).IsEqualTo(Support.StaticConfigText.Of(a));
    }

    [Test]
    public async Task Without_configFile_traefiks_places_are_searched_in_order()
    {
        var root = Directory.CreateTempSubdirectory("edge-lookup").FullName;
        string Dir(string name) { var d = Path.Combine(root, name); Directory.CreateDirectory(d); return d; }
        var etc = Dir("etc"); var xdg = Dir("xdg"); var home = Dir("home"); var cwd = Dir("cwd");
        Directory.CreateDirectory(Path.Combine(home, ".config"));
        var env = new Dictionary<string, string?> { ["HOME"] = home, ["XDG_CONFIG_HOME"] = xdg };
        var finder = new ConfigFileFinder(etc, cwd);

        await Assert.That(ConfigLoader.Load([], env, finder).Log.Level).IsEqualTo("ERROR");   // nothing found: defaults
        File.WriteAllText(Path.Combine(cwd, "traefik.yml"), "log:\n  level: INFO\n");
        await Assert.That(ConfigLoader.Load([], env, finder).Log.Level).IsEqualTo("INFO");
        File.WriteAllText(Path.Combine(home, ".config", "traefik.yaml"), "log:\n  level: WARN\n");
        await Assert.That(ConfigLoader.Load([], env, finder).Log.Level).IsEqualTo("WARN");
        File.WriteAllText(Path.Combine(xdg, "traefik.yml"), "log:\n  level: DEBUG\n");
        await Assert.That(ConfigLoader.Load([], env, finder).Log.Level).IsEqualTo("DEBUG");
        File.WriteAllText(Path.Combine(xdg, "traefik.toml"), "[log]\nlevel = \"TRACE\"\n");   // .toml before .yaml in one place
        await Assert.That(ConfigLoader.Load([], env, finder).Log.Level).IsEqualTo("TRACE");
        File.WriteAllText(Path.Combine(etc, "traefik.yaml"), "log:\n  level: FATAL\n");
        var found = ConfigLoader.Load([], env, finder);
        await Assert.That(found.Log.Level).IsEqualTo("FATAL");
        await Assert.That(found.ConfigFile).IsEqualTo(Path.Combine(etc, "traefik.yaml"));
        // --configFile wins over the lookup.
        var named = Write("yaml", "log:\n  level: PANIC\n");
        await Assert.That(ConfigLoader.Load(["--configFile=" + named], env, finder).Log.Level).IsEqualTo("PANIC");
    }
}
