using System.Text.Json;
using Edge.Api;
using Edge.Configuration;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Render;

/// <summary>
/// <c>edge render</c>: translates manifests offline with the proxy's own options and prints what the
/// proxy would serve. Exit 0 when every object translated, 1 when some were skipped, 2 on bad flags
/// or unreadable input (see <see cref="RenderArguments.Usage"/>).
/// </summary>
public static class RenderCommand
{
    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        RenderArguments parsed;
        StaticConfig config;
        List<(string Name, string Text)> sources;
        try
        {
            parsed = RenderArguments.Parse(args);
            if (parsed.Help) { stdout.Write(RenderArguments.Usage); return 0; }
            config = ConfigLoader.Load(parsed.ProxyArgs);
            sources = ManifestSources.Read(parsed.Files, stdin);
        }
        catch (Exception e) when (e is RenderUsageException or ConfigException)
        {
            stderr.WriteLine($"edge render: {e.Message}");
            return 2;
        }

        var documents = sources.SelectMany(s => ManifestParser.Parse(s.Text, s.Name)).ToList();
        var outcome = RenderPipeline.Run(documents, config);
        if (parsed.Output == "json")
        {
            // stdout stays exactly /api/rawdata, so it can be piped to jq or diffed against a live instance.
            stdout.WriteLine(JsonSerializer.Serialize(outcome.Raw, ApiJsonContext.Default.RawData));
            if (outcome.Skipped.Count > 0 || outcome.Ignored.Count > 0) WriteProblems(stderr, outcome);
        }
        else
        {
            RenderTable.Write(stdout, outcome);
            WriteProblems(stdout, outcome);
        }
        return outcome.Skipped.Count > 0 ? 1 : 0;
    }

    private static void WriteProblems(TextWriter w, RenderOutcome outcome)
    {
        w.WriteLine($"SKIPPED ({outcome.Skipped.Count})");
        foreach (var p in outcome.Skipped) w.WriteLine("  " + p);
        if (outcome.Ignored.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"NOT FOR THIS CONTROLLER ({outcome.Ignored.Count})");
            foreach (var p in outcome.Ignored) w.WriteLine("  " + p);
        }
        if (outcome.IgnoredKinds.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Other kinds, not read: " + string.Join(", ", outcome.IgnoredKinds.Select(kv => $"{kv.Key} ({kv.Value})")));
        }
    }
}
