namespace Edge.Configuration;

/// <summary>
/// Traefik's lookup of the static configuration file when --configFile is not given: traefik.toml,
/// traefik.yaml, traefik.yml in /etc/traefik/, $XDG_CONFIG_HOME/, $HOME/.config/ and the working
/// directory, in that order; the first file that exists is read.
/// </summary>
public sealed class ConfigFileFinder(string etcDirectory, string workingDirectory)
{
    public static readonly string[] Extensions = ["toml", "yaml", "yml"];

    public static ConfigFileFinder Default => new("/etc/traefik", Directory.GetCurrentDirectory());

    /// <summary>The candidate paths in lookup order; a directory whose variable is unset is skipped.</summary>
    public IEnumerable<string> Candidates(IDictionary<string, string?> environment)
    {
        var dirs = new List<string> { etcDirectory };
        if (Get(environment, "XDG_CONFIG_HOME") is { } xdg) dirs.Add(xdg);
        if (Get(environment, "HOME") is { } home) dirs.Add(Path.Combine(home, ".config"));
        dirs.Add(workingDirectory);
        foreach (var dir in dirs)
            foreach (var ext in Extensions)
                yield return Path.Combine(dir, "traefik." + ext);
    }

    public string? Find(IDictionary<string, string?> environment) => Candidates(environment).FirstOrDefault(File.Exists);

    private static string? Get(IDictionary<string, string?> env, string name) =>
        env.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;
}
