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
    [Arguments("--metrics.otlp=true")]
    [Arguments("--experimental.fastproxy=true")]
    [Arguments("--providers.docker=true")]
    [Arguments("--experimental.plugins.demo.modulename=github.com/x/y")]
    public async Task A_traefik_option_edge_lacks_is_named_as_such(string flag)
    {
        await Assert.That(ErrorOf(flag)).Contains("Traefik option that Edge does not implement yet");
    }

    [Test]
    [Arguments("--providers.docker=true", "Edge serves the Kubernetes Ingress, Kubernetes CRD and file providers, not docker")]
    [Arguments("--entryPoints.websecure.http3=true", "HTTP/3 needs QUIC through libmsquic")]
    [Arguments("--entrypoints.web.http3.advertisedPort=443", "Edge serves HTTP/1.1 and HTTP/2")]
    [Arguments("--metrics.datadog=true", "Edge exports metrics for Prometheus only")]
    [Arguments("--experimental.plugins.demo.moduleName=github.com/x/y", "Go plugins")]
    public async Task A_missing_family_says_why_and_what_edge_does_instead(string flag, string reason)
    {
        var error = ErrorOf(flag);
        await Assert.That(error).Contains("Traefik option that Edge does not implement");
        await Assert.That(error).Contains(reason);
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
