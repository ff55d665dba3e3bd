using Edge.Configuration;

namespace Edge.Tests.Configuration;

/// <summary>providers.file.* with Traefik's names and defaults, from flags, files and the environment; file-only means no Kubernetes.</summary>
public class FileProviderOptionsTests
{
    private static readonly Dictionary<string, string?> NoEnv = new();

    [Test]
    public async Task Flags_enable_the_file_provider_alone_without_kubernetes()
    {
        var c = ConfigLoader.Load(["--Providers.File.Filename=/etc/edge/dynamic.yml"], NoEnv);
        await Assert.That(c.FileProviderEnabled).IsTrue();
        await Assert.That(c.FileProvider.Filename).IsEqualTo("/etc/edge/dynamic.yml");
        // Traefik's Provider.SetDefaults: watch is on.
        await Assert.That(c.FileProvider.Watch).IsTrue();
        await Assert.That(c.KubernetesIngressEnabled).IsFalse();
    }

    [Test]
    [Arguments("--providers.kubernetesingress.namespaces=a")]
    [Arguments("--providers.kubernetesingress")]
    [Arguments("--providers.kubernetescrd")]
    public async Task A_kubernetes_option_keeps_kubernetes_beside_the_file_provider(string flag)
    {
        var c = ConfigLoader.Load(["--providers.file.directory=/etc/edge/dynamic", flag], NoEnv);
        await Assert.That(c.FileProviderEnabled).IsTrue();
        await Assert.That(c.KubernetesIngressEnabled).IsTrue();
    }

    [Test]
    public async Task Without_the_file_provider_kubernetes_stays_on_by_default()
    {
        var c = ConfigLoader.Load([], NoEnv);
        await Assert.That(c.FileProviderEnabled).IsFalse();
        await Assert.That(c.KubernetesIngressEnabled).IsTrue();
    }

    [Test]
    public async Task Environment_and_static_files_set_the_same_options()
    {
        var env = ConfigLoader.Load([], new Dictionary<string, string?>
        {
            ["TRAEFIK_PROVIDERS_FILE_DIRECTORY"] = "/d", ["TRAEFIK_PROVIDERS_FILE_WATCH"] = "false",
            ["TRAEFIK_PROVIDERS_FILE_DEBUGLOGGENERATEDTEMPLATE"] = "true",
        });
        await Assert.That(env.FileProvider.Directory).IsEqualTo("/d");
        await Assert.That(env.FileProvider.Watch).IsFalse();
        await Assert.That(env.FileProvider.DebugLogGeneratedTemplate).IsTrue();

        var toml = ConfigLoader.ParseToml("[providers.file]\nfilename = \"/x.toml\"\nwatch = false\n");
        var yaml = YamlConfigFile.Parse("providers:\n  file:\n    filename: /x.toml\n    watch: false\n");
        await Assert.That(yaml).IsEquivalentTo(toml);
    }

    [Test]
    [Arguments("--providers.file", "neither filename nor directory is defined")]
    [Arguments("--providers.file.watch=false", "neither filename nor directory is defined")]
    [Arguments("--providers.file.filename=/etc/edge/dynamic.json", "unsupported file extension for file /etc/edge/dynamic.json")]
    public async Task A_file_provider_without_a_readable_kind_of_source_is_refused_at_start(string flag, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load([flag], NoEnv));
        await Assert.That(e.Message).Contains(expected);
    }
}
