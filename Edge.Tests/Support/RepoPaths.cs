namespace Edge.Tests.Support;

/// <summary>Finds the repository root, the published binary and the shared conformance data.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindUp(AppContext.BaseDirectory, d => File.Exists(Path.Combine(d, "Edge.slnx")))
        ?? throw new InvalidOperationException("Edge.slnx not found above " + AppContext.BaseDirectory);

    /// <summary>artifacts/edge, built by scripts/build (EDGE_BINARY overrides).</summary>
    public static string EdgeBinary
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("EDGE_BINARY") ?? Path.Combine(Root, "artifacts", "edge");
            if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing: run scripts/build first");
            return path;
        }
    }

    /// <summary>shared/conformance/traefik-ingress, beside the clone (CI) or the work tree.</summary>
    public static string Conformance { get; } =
        FindUp(Root, d => Directory.Exists(Path.Combine(d, "shared", "conformance", "traefik-ingress"))) is { } d
            ? Path.Combine(d, "shared", "conformance", "traefik-ingress")
            : throw new InvalidOperationException("shared/conformance/traefik-ingress not found above " + Root);

    private static string? FindUp(string start, Func<string, bool> predicate)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            if (predicate(d.FullName)) return d.FullName;
        return null;
    }
}
