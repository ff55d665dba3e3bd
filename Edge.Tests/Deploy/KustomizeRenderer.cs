using System.Diagnostics;
using System.Text.Json.Nodes;
using Edge.Configuration;

namespace Edge.Tests.Deploy;

/// <summary>
/// Renders a deploy/ folder: with <c>kubectl kustomize</c> when kubectl is installed, else with the
/// subset of kustomize these folders use (resources + namespace), so the check runs everywhere.
/// </summary>
public static class KustomizeRenderer
{
    public static List<JsonObject> Render(string dir)
    {
        var yaml = TryKubectl(dir) ?? Fallback(dir);
        return Split(yaml).Select(YamlToJson.Convert).OfType<JsonObject>().ToList();
    }

    public static bool KubectlAvailable => Which("kubectl") is not null;

    private static string? TryKubectl(string dir)
    {
        var kubectl = Which("kubectl");
        if (kubectl is null) return null;
        var psi = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("kustomize");
        psi.ArgumentList.Add(dir);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : throw new InvalidOperationException("kubectl kustomize failed: " + p.StandardError.ReadToEnd());
    }

    private static string Fallback(string dir) => string.Join("\n---\n", FallbackObjects(dir).Select(o => o.ToJsonString()));

    /// <summary>resources (files, or folders rendered the same way), namespace, and patches made of JSON 6902 "add" operations.</summary>
    private static List<JsonObject> FallbackObjects(string dir)
    {
        var k = YamlToJson.Convert(File.ReadAllText(Path.Combine(dir, "kustomization.yaml")))!.AsObject();
        var ns = (string?)k["namespace"];
        var objects = new List<JsonObject>();
        foreach (var r in k["resources"]!.AsArray())
        {
            var path = Path.Combine(dir, (string)r!);
            if (Directory.Exists(path)) objects.AddRange(FallbackObjects(path));
            else objects.AddRange(Split(File.ReadAllText(path)).Select(doc => YamlToJson.Convert(doc)!.AsObject()));
        }
        foreach (var obj in objects)
        {
            var kind = (string)obj["kind"]!;
            if (ns is not null && kind is not ("Namespace" or "ClusterRole" or "ClusterRoleBinding" or "IngressClass"))
                obj["metadata"]!["namespace"] = ns;
            if (ns is not null && kind is "ClusterRoleBinding" or "RoleBinding")
                foreach (var s in obj["subjects"]!.AsArray()) s!["namespace"] ??= ns;
        }
        foreach (var p in k["patches"]?.AsArray() ?? [])
        {
            var target = p!["target"]!;
            foreach (var obj in objects.Where(o => (string?)o["kind"] == (string?)target["kind"] && (string?)o["metadata"]!["name"] == (string?)target["name"]))
                foreach (var op in YamlToJson.Convert((string)p["patch"]!)!.AsArray())
                {
                    if ((string?)op!["op"] != "add") throw new NotSupportedException("the fallback renderer applies only add operations");
                    var parts = ((string)op["path"]!).Trim('/').Split('/');
                    JsonNode node = obj;
                    foreach (var part in parts[..^1]) node = node is JsonArray a ? a[int.Parse(part)]! : node[part]!;
                    if (node is JsonArray list) list.Add(op["value"]!.DeepClone());
                    else node[parts[^1]] = op["value"]!.DeepClone();
                }
        }
        return objects;
    }

    private static IEnumerable<string> Split(string yaml) =>
        yaml.Split(["\n---\n", "\n---\r\n"], StringSplitOptions.None).Select(d => d.Trim()).Where(d => d.Length > 0 && d != "---");

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
