using Edge.Configuration;

namespace Edge.Tests.Configuration;

/// <summary>An option Edge does not know is explained: Traefik's but not implemented, or a typo of one Edge has (spelt as Traefik documents it).</summary>
public class OptionSuggestionsTests
{
    private static readonly Dictionary<string, string?> NoEnv = new();

    private static string ErrorOf(params string[] flags) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Load(flags, NoEnv)).Message;

    [Test]
    [Arguments("--entrypoints.web.http3.advertisedPort=443")]
    [Arguments("--experimental.fastproxy=true")]
    [Arguments("--providers.docker=true")]
    [Arguments("--experimental.plugins.demo.modulename=github.com/x/y")]
    public async Task A_traefik_option_edge_lacks_is_named_as_such(string flag)
    {
        await Assert.That(ErrorOf(flag)).Contains("Traefik option that Edge does not implement yet");
    }

    [Test]
    [Arguments("--entrypoints.web.adress=:80", "--entryPoints.web.address")]
    [Arguments("--providers.kubernetesingress.ingressclas=traefik", "--providers.kubernetesIngress.ingressClass")]
    [Arguments("--metrics.prometheus.bucket=0.1", "--metrics.prometheus.buckets")]
    public async Task A_typo_gets_the_closest_option(string flag, string suggestion)
    {
        await Assert.That(ErrorOf(flag)).Contains($"did you mean {suggestion}?");
    }

    [Test]
    public async Task Something_unrelated_gets_no_guess()
    {
        var error = ErrorOf("--completely.unrelated.thing=1");
        await Assert.That(error).Contains("unknown flag");
        await Assert.That(error).DoesNotContain("did you mean");
    }

    [Test]
    public async Task The_list_of_traefik_options_is_read()
    {
        // Guards the embedded resource itself: without it every Traefik option would look unknown.
        await Assert.That(OptionSuggestions.IsTraefikOption(["entrypoints", "web", "address"])).IsTrue();
        await Assert.That(OptionSuggestions.IsTraefikOption(["entrypoints", "web", "nonsense"])).IsFalse();
    }
}
