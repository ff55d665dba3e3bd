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

    private static string Fallback(string dir)
    {
        var k = YamlToJson.Convert(File.ReadAllText(Path.Combine(dir, "kustomization.yaml")))!.AsObject();
        var ns = (string?)k["namespace"];
        var docs = new List<string>();
        foreach (var r in k["resources"]!.AsArray())
        {
            foreach (var doc in Split(File.ReadAllText(Path.Combine(dir, (string)r!))))
            {
                var obj = YamlToJson.Convert(doc)!.AsObject();
                var kind = (string)obj["kind"]!;
                if (ns is not null && kind is not ("Namespace" or "ClusterRole" or "ClusterRoleBinding" or "IngressClass"))
                    obj["metadata"]!["namespace"] = ns;
                if (ns is not null && kind is "ClusterRoleBinding" or "RoleBinding")
                    foreach (var s in obj["subjects"]!.AsArray()) s!["namespace"] ??= ns;
                docs.Add(obj.ToJsonString());
            }
        }
        return string.Join("\n---\n", docs);
    }

    private static IEnumerable<string> Split(string yaml) =>
        yaml.Split(["\n---\n", "\n---\r\n"], StringSplitOptions.None).Select(d => d.Trim()).Where(d => d.Length > 0 && d != "---");

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
