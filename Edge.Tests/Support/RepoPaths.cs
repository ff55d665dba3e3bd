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

    /// <summary>
    /// shared/conformance/traefik-ingress, beside the clone (CI) or the work tree; for a clone made
    /// elsewhere (e.g. under /tmp), beside the local repository it was cloned from.
    /// </summary>
    public static string Conformance { get; } = FindShared(Root) ?? (OriginPath() is { } origin ? FindShared(origin) : null)
        ?? throw new InvalidOperationException("shared/conformance/traefik-ingress not found above " + Root + " nor above the clone's origin");

    private static string? FindShared(string start) =>
        FindUp(start, d => Directory.Exists(Path.Combine(d, "shared", "conformance", "traefik-ingress"))) is { } d
            ? Path.Combine(d, "shared", "conformance", "traefik-ingress")
            : null;

    /// <summary>remote "origin" of the clone when it is a local directory.</summary>
    private static string? OriginPath()
    {
        var config = Path.Combine(Root, ".git", "config");
        if (!File.Exists(config)) return null;
        bool inOrigin = false;
        foreach (var raw in File.ReadLines(config))
        {
            var line = raw.Trim();
            if (line.StartsWith('[')) inOrigin = line == "[remote \"origin\"]";
            else if (inOrigin && line.StartsWith("url", StringComparison.Ordinal) && line.IndexOf('=') is var eq and > 0)
            {
                var url = line[(eq + 1)..].Trim();
                if (url.StartsWith("file://", StringComparison.Ordinal)) url = url[7..];
                return Path.IsPathRooted(url) && Directory.Exists(url) ? url : null;
            }
        }
        return null;
    }

    private static string? FindUp(string start, Func<string, bool> predicate)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            if (predicate(d.FullName)) return d.FullName;
        return null;
    }
}
