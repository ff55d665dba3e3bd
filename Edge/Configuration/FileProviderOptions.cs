using static Edge.Configuration.OptionValues;

namespace Edge.Configuration;

/// <summary>
/// Options of Traefik's providers.file (pkg/provider/file), with Traefik's names and defaults:
/// watch is on unless turned off (Provider.SetDefaults). Configuring it without any Kubernetes
/// provider option runs Edge with no cluster at all (see <see cref="StaticConfig.ApplyDefaults"/>).
/// </summary>
public sealed class FileProviderOptions
{
    public string Filename { get; set; } = "";
    public string Directory { get; set; } = "";
    public bool Watch { get; set; } = true;
    /// <summary>Accepted for compatibility: Edge renders no Go templates, so there is nothing to log.</summary>
    public bool DebugLogGeneratedTemplate { get; set; }

    private const string P = "providers.file.";

    /// <summary>Traefik's isFileSupported: the extensions the provider reads.</summary>
    public static bool IsSupported(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".toml" or ".yaml" or ".yml";

    /// <summary>The option table entries, appended to <see cref="OptionRegistry"/>.</summary>
    public static IEnumerable<OptionSpec> Specs()
    {
        yield return new("providers.file", OptionKind.Section, "false", "Enable the file provider (dynamic configuration from TOML or YAML files).",
            (c, _, v) => c.FileProviderEnabled = Bool("providers.file", v));
        yield return S("filename", OptionKind.String, "", "Load dynamic configuration from a file.", (p, v) => p.Filename = v);
        yield return S("directory", OptionKind.String, "", "Load dynamic configuration from one or more .yml or .toml files in a directory.", (p, v) => p.Directory = v);
        yield return S("watch", OptionKind.Bool, "true", "Watch the file or directory and reload on change.", (p, v) => p.Watch = Bool(P + "watch", v));
        yield return S("debugLogGeneratedTemplate", OptionKind.Bool, "false", "Accepted for compatibility; Edge does not render Go templates, so nothing is logged.",
            (p, v) => p.DebugLogGeneratedTemplate = Bool(P + "debugLogGeneratedTemplate", v));
    }

    /// <summary>Checks done at start (Traefik reports them when the provider starts; Edge refuses to start).</summary>
    public void Validate()
    {
        if (Directory.Length == 0 && Filename.Length == 0)
            throw new ConfigException("providers.file", "providers.file.filename or providers.file.directory (neither filename nor directory is defined)");
        // Traefik reads the directory when both are set.
        if (Directory.Length == 0 && !IsSupported(Filename))
            throw new ConfigException(P + "filename", $"a .toml, .yaml or .yml file (unsupported file extension for file {Filename})");
    }

    private static OptionSpec S(string name, OptionKind kind, string def, string desc, Action<FileProviderOptions, string> apply) =>
        new(P + name, kind, def, desc, (c, _, v) => { c.FileProviderEnabled = true; apply(c.FileProvider, v); });
}
