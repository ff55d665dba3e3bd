namespace Edge.Render;

/// <summary>
/// Expands <c>-f</c> arguments into (name, text) pairs: a file as given, a directory as every
/// *.yaml/*.yml directly in it sorted ordinally (so output is stable across machines), "-" as stdin.
/// </summary>
public static class ManifestSources
{
    /// <exception cref="RenderUsageException">when a path does not exist or cannot be read.</exception>
    public static List<(string Name, string Text)> Read(IEnumerable<string> arguments, TextReader stdin)
    {
        var result = new List<(string, string)>();
        foreach (var arg in arguments)
        {
            if (arg == "-") { result.Add(("<stdin>", stdin.ReadToEnd())); continue; }
            if (Directory.Exists(arg))
            {
                IEnumerable<string> files;
                try
                {
                    files = Directory.EnumerateFiles(arg)
                        .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                        .Order(StringComparer.Ordinal).ToList();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new RenderUsageException($"cannot read directory {arg}: {e.Message}");
                }
                foreach (var f in files) result.Add((f, ReadFile(f)));
                continue;
            }
            if (!File.Exists(arg)) throw new RenderUsageException($"cannot read {arg}: no such file or directory");
            result.Add((arg, ReadFile(arg)));
        }
        return result;
    }

    private static string ReadFile(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RenderUsageException($"cannot read {path}: {e.Message}");
        }
    }
}
