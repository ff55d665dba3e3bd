using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace Edge.Kubernetes;

/// <summary>
/// Splits multi-document YAML and reads each document through the client's JSON serializer (via
/// <see cref="YamlToJson"/>), so manifests (render, test fixtures, the fake API server) go through the model types the informers produce. Unknown kinds (Deployments in a demo manifest)
/// are reported, not fatal.
/// </summary>
public static partial class ManifestLoader
{
    public static IEnumerable<(string Kind, string? Name, object? Object)> Parse(string multiDocYaml)
    {
        foreach (var doc in SplitDocuments(multiDocYaml))
        {
            var (kind, name, obj) = ParseDocument(doc);
            if (kind is null) continue; // empty document or comments only
            yield return (kind, name, obj);
        }
    }

    public static IEnumerable<string> SplitDocuments(string multiDocYaml) => DocumentSeparator().Split(multiDocYaml);

    /// <summary>One document: its kind (null when it has none), name, and the typed object (null for kinds Edge does not read).</summary>
    public static (string? Kind, string? Name, object? Object) ParseDocument(string doc)
    {
        {
            var kindMatch = KindLine().Match(doc);
            if (!kindMatch.Success) return (null, null, null);
            var kind = kindMatch.Groups[1].Value.Trim('"', '\'');
            object? obj = kind switch
            {
                "Ingress" => Load<V1Ingress>(doc),
                "IngressClass" => Load<V1IngressClass>(doc),
                "Service" => Load<V1Service>(doc),
                "EndpointSlice" => Load<V1EndpointSlice>(doc),
                "Endpoints" => Load<V1Endpoints>(doc),
                "Secret" => Load<V1Secret>(doc),
                "Node" => Load<V1Node>(doc),
                "Namespace" => Load<V1Namespace>(doc),
                "Lease" => Load<V1Lease>(doc),
                _ => null,
            };
            var nameMatch = NameLine().Match(doc);
            return (kind, nameMatch.Success ? nameMatch.Groups[1].Value.Trim('"', '\'') : null, obj);
        }
    }

    private static T Load<T>(string doc) =>
        KubernetesJson.Deserialize<T>(YamlToJson.Convert(doc)?.ToJsonString() ?? throw new FormatException("empty YAML document"));

    [GeneratedRegex(@"^---[^\n]*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"^kind:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex KindLine();

    [GeneratedRegex(@"^\s+name:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex NameLine();
}
