namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// Test fixtures, the fake API server and the demo go through the product's own manifest reader (<see cref="ManifestParser"/>), so they are
/// read exactly as <c>edge render</c> reads them. Unknown kinds (Deployments in a demo manifest) come
/// back without an object; a broken fixture is a test bug and throws.
/// </summary>
public static class ManifestLoader
{
    public static IEnumerable<(string Kind, string? Name, object? Object)> Parse(string multiDocYaml)
    {
        foreach (var doc in ManifestParser.Parse(multiDocYaml, "<fixture>"))
        {
            if (doc.Error is not null) throw new FormatException($"{doc.Location} ({doc.Kind} {doc.Name}): {doc.Error}");
            yield return (doc.Kind!, doc.Name, doc.Object);
        }
    }
}
