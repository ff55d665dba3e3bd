using Edge.Providers.Kubernetes.Client;

namespace Edge.Tests.Conformance;

/// <summary>Loads a multi-document YAML fixture into a <see cref="ClusterSnapshot"/>, as the informers would.</summary>
public static class FixtureLoader
{
    public static ClusterSnapshot Load(string path)
    {
        var objects = new List<object>();
        foreach (var (_, _, obj) in ManifestLoader.Parse(File.ReadAllText(path)))
        {
            if (obj is null) continue;
            if (obj is k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> { Metadata: { } m } && m.NamespaceProperty is null
                && obj is not k8s.Models.V1IngressClass && obj is not k8s.Models.V1Node)
                m.NamespaceProperty = "default";   // what the API server would assign
            objects.Add(obj);
        }
        var snapshot = ClusterSnapshot.FromObjects(objects);
        // The informers hand Ingresses over sorted by namespace/name; do the same.
        return snapshot with
        {
            Ingresses = [.. snapshot.Ingresses.OrderBy(i => i.Metadata?.NamespaceProperty, StringComparer.Ordinal)
                .ThenBy(i => i.Metadata?.Name, StringComparer.Ordinal)],
        };
    }
}
