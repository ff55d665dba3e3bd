using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Configuration;
using YamlDotNet.Core;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// Reads multi-document YAML manifests into the client's model types without reflection:
/// YamlDotNet's parser to a JsonNode (<see cref="YamlToJson"/>), then the client's source-generated
/// JSON deserializer chosen by kind. Documents are split on "---" lines as kubectl does, so one broken
/// document is reported on its own and the others are still read.
/// </summary>
public static partial class ManifestParser
{
    /// <summary>The kinds Edge reads, with the one apiVersion the provider watches for each.</summary>
    private static readonly Dictionary<string, (string ApiVersion, Func<string, object> Read)> Kinds = new(StringComparer.Ordinal)
    {
        ["Ingress"] = ("networking.k8s.io/v1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.V1Ingress)!),
        ["IngressClass"] = ("networking.k8s.io/v1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.V1IngressClass)!),
        ["Service"] = ("v1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.V1Service)!),
        ["EndpointSlice"] = ("discovery.k8s.io/v1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.V1EndpointSlice)!),
        ["Endpoints"] = ("v1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.V1Endpoints)!),
        ["Secret"] = ("v1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.V1Secret)!),
        ["Node"] = ("v1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.V1Node)!),
        ["Namespace"] = ("v1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.V1Namespace)!),
        ["Lease"] = ("coordination.k8s.io/v1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.V1Lease)!),
        ["Middleware"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikMiddleware)!),
        ["IngressRoute"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikObject)!),
        ["TraefikService"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikObject)!),
        ["IngressRouteTCP"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikObject)!),
        ["IngressRouteUDP"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikObject)!),
        ["MiddlewareTCP"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikObject)!),
        ["ServersTransportTCP"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikObject)!),
        ["TLSOption"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikTlsOption)!),
        ["TLSStore"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikTlsStore)!),
        ["ServersTransport"] = ("traefik.io/v1alpha1", j => JsonSerializer.Deserialize(j, KubeJsonContext.Default.TraefikServersTransport)!),
    };

    public static IEnumerable<ManifestDocument> Parse(string multiDocYaml, string source)
    {
        var index = 0;
        var start = 0;
        // Each document's first line in the file, so that YAML errors name the file's line, not the document's.
        foreach (var end in DocumentSeparator().Matches(multiDocYaml).Select(m => m.Index).Append(multiDocYaml.Length).ToList())
        {
            var text = multiDocYaml[start..end];
            var firstLine = multiDocYaml.AsSpan(0, start).Count('\n');
            start = Math.Min(multiDocYaml.Length, end + (multiDocYaml.IndexOf('\n', end) is var nl and >= 0 ? nl - end + 1 : multiDocYaml.Length - end));
            if (IsBlank(text)) continue;
            index++;
            yield return ParseDocument(text, source, index, firstLine);
        }
    }

    private static ManifestDocument ParseDocument(string text, string source, int index, int firstLine)
    {
        // Best-effort names from the raw text, so that even a document that does not parse is named.
        string? kind = Scalar(KindLine().Match(text)), name = Scalar(NameLine().Match(text)), ns = Scalar(NamespaceLine().Match(text));
        ManifestDocument Fail(string error) => new(source, index, kind, ns, name, null, error);
        JsonObject obj;
        try
        {
            var node = YamlToJson.Convert(text);
            if (node is null) return Fail("empty document");
            if (node is not JsonObject o) return Fail("not a Kubernetes object (the document is not a mapping)");
            obj = o;
        }
        catch (Exception e) when (e is YamlException or FormatException)
        {
            return Fail("invalid YAML: " + OneLine(e.Message) + (e is YamlException ye ? $" (line {firstLine + ye.Start.Line}, column {ye.Start.Column})" : ""));
        }
        kind = (obj["kind"] as JsonValue)?.TryGetValue<string>(out var k) == true ? k : null;
        var apiVersion = (obj["apiVersion"] as JsonValue)?.TryGetValue<string>(out var v) == true ? v : null;
        var meta = obj["metadata"] as JsonObject;
        name = (meta?["name"] as JsonValue)?.TryGetValue<string>(out var n) == true ? n : name;
        ns = (meta?["namespace"] as JsonValue)?.TryGetValue<string>(out var s) == true ? s : null;
        if (kind is null) return Fail("no kind");
        if (!Kinds.TryGetValue(kind, out var reader)) return new(source, index, kind, ns, name, null, null);
        if (apiVersion != reader.ApiVersion)
            return Fail($"apiVersion \"{apiVersion}\" is not served for {kind} (expected {reader.ApiVersion})");
        try
        {
            return new(source, index, kind, ns, name, reader.Read(obj.ToJsonString()), null);
        }
        catch (JsonException e)
        {
            return Fail($"not a valid {kind}: " + OneLine(e.Message));
        }
    }

    private static bool IsBlank(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var t = line.Trim();
            if (t.Length > 0 && !t.StartsWith('#')) return false;
        }
        return true;
    }

    private static string? Scalar(Match m) => m.Success ? m.Groups[1].Value.Trim().Trim('"', '\'') : null;

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    [GeneratedRegex(@"^---[^\n]*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"^kind:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex KindLine();

    [GeneratedRegex(@"^\s+name:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex NameLine();

    [GeneratedRegex(@"^\s+namespace:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();
}
