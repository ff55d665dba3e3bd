using Edge.Configuration;
using Edge.Tests.Support;

namespace Edge.Tests.Configuration;

/// <summary>The README's option table and `edge --help` come from the registry, and say which options are Edge's own.</summary>
public class OptionTableTests
{
    [Test]
    public async Task The_README_table_is_the_registry_as_it_is_now()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"));
        const string begin = "<!-- options:begin -->\n", end = "<!-- options:end -->";
        int i = readme.IndexOf(begin, StringComparison.Ordinal), j = readme.IndexOf(end, StringComparison.Ordinal);
        await Assert.That(i).IsGreaterThan(0);
        await Assert.That(readme[(i + begin.Length)..j]).IsEqualTo(OptionCatalog.Markdown()).Because("run scripts/readme-options after changing an option");
    }

    [Test]
    public async Task Every_registered_option_is_in_the_table_with_its_default()
    {
        var table = OptionCatalog.Markdown();
        foreach (var o in OptionRegistry.All)
            await Assert.That(table).Contains($"| `{o.Name}`");
        await Assert.That(table).Contains("| `entryPoints.<name>.proxyProtocol.trustedIPs` | list |");
    }

    [Test]
    [Arguments("tenancy.enabled", true)]
    [Arguments("leaderElection.leaseName", true)]
    [Arguments("ping.waitForConfiguration", true)]
    [Arguments("entryPoints.<name>.address", false)]
    [Arguments("providers.kubernetesIngress.namespaces", false)]
    [Arguments("accessLog.filters.statusCodes", false)]
    public async Task Edge_own_options_are_the_ones_Traefik_does_not_have(string name, bool own)
    {
        var option = OptionRegistry.All.Single(o => o.Name == name);
        await Assert.That(OptionCatalog.IsEdgeOwn(option)).IsEqualTo(own);
    }

    [Test]
    public async Task Help_groups_options_by_section_and_marks_Edge_own()
    {
        var help = Edge.Hosting.HelpText.Build();
        await Assert.That(help).Contains("\nentryPoints:\n");
        await Assert.That(help).Contains("\nproviders.kubernetesIngress:\n");
        await Assert.That(help).Contains("--tenancy.enabled  (true or false)  [Edge]");
        await Assert.That(help.IndexOf("\nentryPoints:\n", StringComparison.Ordinal)).IsLessThan(help.IndexOf("--entryPoints.<name>.address", StringComparison.Ordinal));
    }

    [Test]
    public async Task Coverage_counts_each_Traefik_option_once()
    {
        var coverage = OptionCatalog.Coverage();
        await Assert.That(coverage.Sum(c => c.Total)).IsEqualTo(OptionSuggestions.TraefikOptionNames.Count);
        await Assert.That(coverage.Single(c => c.Section == "providers.kubernetesingress").Accepted).IsEqualTo(coverage.Single(c => c.Section == "providers.kubernetesingress").Total)
            .Because("every option of the Ingress provider is Traefik's and implemented");
    }
}
