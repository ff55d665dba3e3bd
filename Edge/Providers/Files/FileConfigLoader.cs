using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Configuration;
using Edge.Model;

namespace Edge.Providers.Files;

/// <summary>What one load of the file provider gave: a configuration (null when a file could not be read or parsed) and the problems found.</summary>
public sealed record FileLoad(DynamicConfig? Config, IReadOnlyList<string> Issues, string? Error);

/// <summary>
/// Traefik's file provider buildConfiguration, as a function of the file system: one file, or
/// every .toml/.yml/.yaml file of a directory and its subdirectories (names in ordinal order).
/// Like Traefik, a file that cannot be read or parsed fails the whole load (the caller keeps the
/// previous configuration) with an error naming the file; in a directory a name defined twice
/// keeps its first definition and the later one is skipped with a warning (Traefik's
/// ResourceStrategySkipDuplicates). Problems with single elements (see <see cref="DynamicConfigReader"/>)
/// do not fail the load.
/// </summary>
public static class FileConfigLoader
{
    public static FileLoad Load(FileProviderOptions options)
    {
        var issues = new List<string>();
        List<string> files;
        if (options.Directory.Length > 0)
        {
            files = [];
            try { Collect(options.Directory, files); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new FileLoad(null, issues, $"reading directory {options.Directory}: {e.Message}");
            }
        }
        else files = [options.Filename];

        var merged = new DynamicConfigReader.Fitted(new JsonObject(), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        foreach (var file in files)
        {
            string text;
            try { text = System.IO.File.ReadAllText(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new FileLoad(null, issues, $"error reading configuration file: {file} - {e.Message}");
            }
            JsonObject root;
            try { root = FileDocument.Parse(text, file); }
            catch (FormatException e) { return new FileLoad(null, issues, $"{file}: {e.Message}"); }
            var fitted = DynamicConfigReader.Fit(root, file, issues);
            if (files.Count == 1) merged = fitted;
            else Merge(merged, fitted, file, issues);
        }

        DynamicConfig config;
        try { config = DynamicConfigReader.Build(merged); }
        catch (JsonException e)
        {
            return new FileLoad(null, issues, $"{(files.Count == 1 ? files[0] : options.Directory)}: {e.Message}");
        }
        TlsFiles.Resolve(config, issues);
        FileDefaults.Apply(config);
        return new FileLoad(config, issues, null);
    }

    /// <summary>Traefik's collectFileConfigs: supported files, subdirectories recursed where they sort.</summary>
    private static void Collect(string directory, List<string> files)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            // Kubernetes mounts a ConfigMap as ..data (a symlink to a ..<timestamp> directory) plus
            // links to it: read the links only, not the same files again through the hidden names.
            if (entry.Name.StartsWith("..", StringComparison.Ordinal)) continue;
            if (entry is DirectoryInfo sub) Collect(sub.FullName, files);
            else if (FileProviderOptions.IsSupported(entry.Name)) files.Add(Path.Combine(directory, entry.Name));
        }
    }

    /// <summary>Adds <paramref name="next"/> to <paramref name="merged"/>, keeping the first definition of every name.</summary>
    private static void Merge(DynamicConfigReader.Fitted merged, DynamicConfigReader.Fitted next, string file, List<string> issues)
    {
        var routers = (merged.Json["http"]?["routers"] as JsonObject)?.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        var middlewares = (merged.Json["http"]?["middlewares"] as JsonObject)?.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var (name, router) in next.BrokenRouters)
            if (routers.Contains(name) || !merged.BrokenRouters.TryAdd(name, router)) issues.Add(Skipped(file, "HTTP router", name));
        var services = (merged.Json["http"]?["services"] as JsonObject)?.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var (name, error) in next.BrokenServices)
            if (services.Contains(name) || !merged.BrokenServices.TryAdd(name, error)) issues.Add(Skipped(file, "HTTP service", name));
        foreach (var (name, broken) in next.BrokenMiddlewares)
            if (middlewares.Contains(name) || !merged.BrokenMiddlewares.TryAdd(name, broken)) issues.Add(Skipped(file, "HTTP middleware", name));

        foreach (var (sectionName, sectionNode) in next.Json)
        {
            if (sectionNode is not JsonObject section) continue;
            if (merged.Json[sectionName] is not JsonObject target) merged.Json[sectionName] = target = new JsonObject();
            foreach (var (kindName, kindNode) in section)
            {
                var where = sectionName + "." + kindName;
                switch (kindNode)
                {
                    case JsonObject entries:
                        if (target[kindName] is not JsonObject into) target[kindName] = into = new JsonObject();
                        foreach (var (name, value) in entries)
                        {
                            bool broken = where == "http.routers" ? merged.BrokenRouters.ContainsKey(name)
                                : where == "http.middlewares" ? merged.BrokenMiddlewares.ContainsKey(name)
                                : where == "http.services" && merged.BrokenServices.ContainsKey(name);
                            if (into.ContainsKey(name) || broken) issues.Add(Skipped(file, Display(where), name));
                            else into[name] = value?.DeepClone();
                        }
                        break;
                    case JsonArray items:
                        // tls.certificates: the same certificate twice is configured once.
                        if (target[kindName] is not JsonArray list) target[kindName] = list = new JsonArray();
                        var seen = list.Select(i => i?.ToJsonString()).ToHashSet();
                        foreach (var item in items)
                            if (seen.Add(item?.ToJsonString())) list.Add(item?.DeepClone());
                            else issues.Add($"{file}: {where}: TLS certificate already configured, skipping");
                        break;
                }
            }
        }
    }

    private static string Display(string where) => where switch
    {
        "http.routers" => "HTTP router",
        "http.services" => "HTTP service",
        "http.middlewares" => "HTTP middleware",
        "http.serversTransports" => "HTTP servers transport",
        _ => where,
    };

    private static string Skipped(string file, string kind, string name) => $"{file}: {kind} \"{name}\" already configured, skipping";
}
