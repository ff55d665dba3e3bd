using Edge.Configuration;

namespace Edge.Tests.Architecture;

/// <summary>
/// The stages of the pipeline (configuration → providers → aggregation → runtime → data plane,
/// with the API and observability beside them) only depend forward: no namespace cycle, and the
/// data plane never reaches back into a provider.
/// </summary>
public class NamespaceDependencyTests
{
    private static readonly Dictionary<string, HashSet<string>> Graph = NamespaceGraph.Build(typeof(StaticConfig).Assembly);

    [Test]
    public async Task No_namespace_cycle()
    {
        var cycles = NamespaceGraph.Cycles(Graph);
        var text = string.Join("\n", cycles.Select(c => string.Join(" <-> ", c) + "\n" +
            string.Join("\n", c.SelectMany(a => Graph[a].Where(c.Contains).Select(b => $"   {a} -> {b}")))));
        await Assert.That(text).IsEqualTo("");
    }

    // Leaves (configuration, tenancy names, trust, Go compatibility) use nothing of Edge; each
    // stage uses only earlier stages and the leaves.
    [Test]
    [Arguments("Edge.Configuration", "Edge.")]
    [Arguments("Edge.Tenancy", "Edge.")]
    [Arguments("Edge.Security", "Edge.")]
    [Arguments("Edge.GoCompat", "Edge.")]
    [Arguments("Edge.Model", "Edge.DataPlane")]
    [Arguments("Edge.Model", "Edge.Providers")]
    [Arguments("Edge.Model", "Edge.Aggregation")]
    [Arguments("Edge.Providers", "Edge.DataPlane")]
    [Arguments("Edge.Providers", "Edge.Api")]
    [Arguments("Edge.Providers", "Edge.Hosting")]
    [Arguments("Edge.Providers", "Edge.Render")]
    [Arguments("Edge.Aggregation", "Edge.Providers")]
    [Arguments("Edge.Aggregation", "Edge.DataPlane")]
    [Arguments("Edge.Aggregation", "Edge.Api")]
    [Arguments("Edge.DataPlane", "Edge.Providers")]
    [Arguments("Edge.DataPlane", "Edge.Api")]
    [Arguments("Edge.DataPlane", "Edge.Hosting")]
    [Arguments("Edge.DataPlane", "Edge.Render")]
    [Arguments("Edge.Observability", "Edge.Providers")]
    [Arguments("Edge.Observability", "Edge.Api")]
    [Arguments("Edge.Observability", "Edge.Hosting")]
    public async Task Stage_does_not_depend_on(string stage, string forbidden)
    {
        var offending = Graph
            .Where(kv => kv.Key == stage || kv.Key.StartsWith(stage + ".", StringComparison.Ordinal))
            .SelectMany(kv => kv.Value.Where(to => to.StartsWith(forbidden, StringComparison.Ordinal) && !to.StartsWith(stage, StringComparison.Ordinal)).Select(to => $"{kv.Key} -> {to}"))
            .Order().ToList();
        await Assert.That(string.Join("\n", offending)).IsEqualTo("");
    }

    [Test]
    public async Task Graph_sees_real_dependencies()
    {
        // Guards the reader itself: a graph that found nothing would pass every rule above.
        await Assert.That(Graph["Edge.Hosting"]).Contains("Edge.DataPlane");
        await Assert.That(Graph["Edge.DataPlane.Routing.Table"]).Contains("Edge.DataPlane.Routing.Rules");
        await Assert.That(Graph["Edge.Providers.Kubernetes.Ingress"]).Contains("Edge.Providers.Kubernetes.Client");
    }
}
