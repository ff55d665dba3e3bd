using System.Text;
using System.Text.Json;
using Edge.Api;
using Edge.Configuration;
using Edge.Kubernetes;
using Edge.Translation;

namespace Edge;

/// <summary>
/// <c>edge render -f FILE_OR_DIR... [-o table|json] [provider flags]</c>: the translation the running
/// proxy would do, offline, from manifests. Prints routers, services and certificates (a table, or
/// /api/rawdata's JSON), then every object skipped and why. Exit 0 when everything translated, 1 when
/// something was skipped (so CI can gate Ingresses on it), 2 on bad flags or unreadable input.
/// </summary>
public static class RenderCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var files = new List<string>();
        var output = "table";
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if ((args[i] is "-f" or "--filename") && i + 1 < args.Length) files.Add(args[++i]);
            else if (args[i].StartsWith("--filename=", StringComparison.Ordinal)) files.Add(args[i][11..]);
            else if ((args[i] is "-o" or "--output") && i + 1 < args.Length) output = args[++i];
            else rest.Add(args[i]);
        }
        if (files.Count == 0) { stderr.WriteLine("edge render: expected -f FILE_OR_DIR (or -f - for stdin)"); return 2; }
        if (output is not ("table" or "json")) { stderr.WriteLine($"edge render: invalid option -o: expected table or json, got \"{output}\""); return 2; }

        StaticConfig config;
        try { config = ConfigLoader.Load(rest); }
        catch (ConfigException e) { stderr.WriteLine($"edge: {e.Message}"); return 2; }
        var options = config.KubernetesIngress;

        var objects = new List<object>();
        var problems = new List<string>();
        var sources = ReadSources(files, stderr, out var unreadable);
        if (unreadable) return 2;
        foreach (var (source, text) in sources)
        {
            int index = 0;
            foreach (var doc in ManifestLoader.SplitDocuments(text))
            {
                index++;
                try
                {
                    var (kind, name, obj) = ManifestLoader.ParseDocument(doc);
                    if (kind is null) continue;
                    if (obj is null) continue;   // kinds Edge does not read (Deployments...)
                    if (obj is k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> { Metadata: { } m } && m.NamespaceProperty is null
                        && obj is not k8s.Models.V1IngressClass and not k8s.Models.V1Node)
                        m.NamespaceProperty = "default";
                    objects.Add(obj);
                }
                catch (Exception e) when (e is FormatException or JsonException or YamlDotNet.Core.YamlException or InvalidCastException)
                {
                    problems.Add($"{source} document {index}: cannot parse: {e.Message.Split('\n')[0]}");
                }
            }
        }

        // What the informers would have listed: only the watched namespaces, Ingresses by label selector.
        LabelSelector.TryParse(options.LabelSelector, out var selector, out _);
        objects.RemoveAll(o => o is k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> { Metadata: { } m }
            && ((options.Namespaces.Count > 0 && m.NamespaceProperty is not null && !options.Namespaces.Contains(m.NamespaceProperty))
                || (o is k8s.Models.V1Ingress && !selector.Matches(m.Labels))));

        var snapshot = ClusterSnapshot.FromObjects(objects);
        snapshot = snapshot with
        {
            Ingresses = [.. snapshot.Ingresses.OrderBy(i => i.Metadata?.NamespaceProperty, StringComparer.Ordinal).ThenBy(i => i.Metadata?.Name, StringComparer.Ordinal)],
        };
        var result = IngressTranslator.Translate(snapshot, options);
        problems.AddRange(result.Issues.Select(i => i.ToString()));

        var defaults = config.EntryPoints.Keys.Where(n => !n.Equals("traefik", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        var raw = RawDataBuilder.Build(result.Config, defaults, apiRouter: false, pingRouter: false);
        if (output == "json")
        {
            stdout.WriteLine(JsonSerializer.Serialize(raw, ApiJsonContext.Default.RawData));
        }
        else
        {
            stdout.Write(Table(raw, result));
        }
        if (problems.Count > 0)
        {
            var w = output == "json" ? stderr : stdout;
            w.WriteLine();
            w.WriteLine($"SKIPPED ({problems.Count})");
            foreach (var p in problems) w.WriteLine("  " + p);
        }
        return problems.Count == 0 ? 0 : 1;
    }

    private static IEnumerable<(string Source, string Text)> ReadSources(List<string> inputs, TextWriter stderr, out bool unreadable)
    {
        unreadable = false;
        var list = new List<(string, string)>();
        foreach (var input in inputs)
        {
            try
            {
                if (input == "-") list.Add(("<stdin>", Console.In.ReadToEnd()));
                else if (Directory.Exists(input))
                    foreach (var f in Directory.GetFiles(input).Where(f => f.EndsWith(".yaml") || f.EndsWith(".yml")).Order(StringComparer.Ordinal))
                        list.Add((f, File.ReadAllText(f)));
                else list.Add((input, File.ReadAllText(input)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"edge render: cannot read {input}: {e.Message}");
                unreadable = true;
            }
        }
        return list;
    }

    private static string Table(RawData raw, TranslationResult result)
    {
        var sb = new StringBuilder();
        var routers = raw.Routers.Select(kv => new[]
        {
            kv.Key, string.Join(",", kv.Value.EntryPoints ?? []), kv.Value.Priority.ToString(), kv.Value.Tls is null ? "" : "tls",
            kv.Value.Service, kv.Value.Rule,
        }).ToList();
        Write(sb, "ROUTERS", ["NAME", "ENTRYPOINTS", "PRIORITY", "TLS", "SERVICE", "RULE"], routers);
        var services = raw.Services.Select(kv => new[]
        {
            kv.Key, string.Join(",", kv.Value.LoadBalancer?.Servers?.Select(s => s.Url) ?? []),
        }).ToList();
        Write(sb, "SERVICES", ["NAME", "SERVERS"], services);
        var certs = (result.Config.Tls?.Certificates ?? []).Select(c =>
        {
            string names = "", notAfter = "";
            try
            {
                using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(c.CertFile);
                names = string.Join(",", Tls.CertificateStore.Names(cert));
                notAfter = cert.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd");
            }
            catch (Exception) { names = "(unparsable PEM)"; }
            return new[] { c.SourceSecret ?? "", names, notAfter };
        }).ToList();
        Write(sb, "CERTIFICATES", ["SECRET", "NAMES", "NOT AFTER"], certs);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, string title, string[] header, List<string[]> rows)
    {
        sb.AppendLine($"{title} ({rows.Count})");
        if (rows.Count == 0) { sb.AppendLine(); return; }
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        void Line(string[] cells) => sb.AppendLine("  " + string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        Line(header);
        foreach (var r in rows) Line(r);
        sb.AppendLine();
    }
}
