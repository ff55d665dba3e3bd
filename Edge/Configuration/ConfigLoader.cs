using Tomlyn;
using Tomlyn.Model;

namespace Edge.Configuration;

/// <summary>
/// Reads the static configuration the way the README documents: environment (TRAEFIK_* or EDGE_*),
/// then the TOML or YAML file named by --configFile (or found where Traefik looks), then flags; a
/// later source wins over an earlier one.
/// </summary>
public static class ConfigLoader
{
    /// <param name="finder">Where to look without --configFile; null: Traefik's places (<see cref="ConfigFileFinder.Default"/>).</param>
    public static StaticConfig Load(IReadOnlyList<string> args, IDictionary<string, string?>? environment = null, ConfigFileFinder? finder = null)
    {
        var flags = FlagParser.Parse(args);
        var processEnv = environment ?? ReadProcessEnvironment();
        var env = EnvironmentSource.Read(processEnv);
        var config = new StaticConfig();

        // The file is named by a flag or the environment; read it before applying either.
        string? file = null;
        foreach (var (k, v) in env) if (k.Equals("configfile", StringComparison.OrdinalIgnoreCase)) file = v;
        foreach (var (k, v) in flags) if (k.Equals("configfile", StringComparison.OrdinalIgnoreCase)) file = v;

        if (string.IsNullOrEmpty(file)) file = (finder ?? ConfigFileFinder.Default).Find(processEnv);

        Apply(config, env, "environment variable");
        if (!string.IsNullOrEmpty(file)) Apply(config, ReadFile(file), "configuration file");
        Apply(config, flags, "flag");
        config.ConfigFile = file;
        config.ApplyDefaults();
        return config;
    }

    private static Dictionary<string, string?> ReadProcessEnvironment()
    {
        var d = new Dictionary<string, string?>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            d[(string)e.Key] = e.Value as string;
        return d;
    }

    private static void Apply(StaticConfig config, IEnumerable<KeyValuePair<string, string>> pairs, string source)
    {
        foreach (var (key, value) in pairs)
        {
            var spec = OptionRegistry.Find(key, out var wildcard)
                ?? throw new ConfigException(key, $"{OptionSuggestions.Explain(key)}, in the {source}");
            spec.Apply(config, wildcard, value);
        }
    }

    /// <summary>Reads a .toml, .yaml or .yml file (by its extension, as Traefik does) into dotted keys.</summary>
    public static List<KeyValuePair<string, string>> ReadFile(string path)
    {
        // "edge.yaml.example" is YAML too: the extension before a trailing .example counts.
        var name = path.EndsWith(".example", StringComparison.OrdinalIgnoreCase) ? path[..^".example".Length] : path;
        var ext = Path.GetExtension(name).ToLowerInvariant();
        bool yaml = ext is ".yaml" or ".yml";
        // Traefik refuses other extensions; Edge has always read an extension-less or other file as TOML.
        string text;
        try { text = File.ReadAllText(path); }
        // ArgumentException: a path with a NUL byte (found by scripts/fuzz on the flag parser).
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException("configFile", $"a readable {(yaml ? "YAML" : "TOML")} file ({e.Message})");
        }
        return yaml ? YamlConfigFile.Parse(text, path) : ParseToml(text, path);
    }


    /// <summary>Flattens Traefik TOML into dotted keys; an empty table such as [ping] enables it.</summary>
    public static List<KeyValuePair<string, string>> ParseToml(string text, string path = "<toml>")
    {
        TomlTable table;
        try { table = TomlSerializer.Deserialize<TomlTable>(text, EdgeTomlContext.Default) ?? new TomlTable(); }
        catch (Exception e)
        {
            var m = System.Text.RegularExpressions.Regex.Match(e.Message, @"\((\d+),(\d+)\) : error : ([^\r\n]*)");
            var first = m.Success ? $"line {m.Groups[1].Value}, column {m.Groups[2].Value}: {m.Groups[3].Value.TrimEnd('.', ')')}" : e.Message.Split('\n')[0].Trim();
            throw new ConfigException("configFile", $"valid TOML in {path} ({first})");
        }
        var result = new List<KeyValuePair<string, string>>();
        Flatten(table, "", result);
        return result;
    }

    private static void Flatten(TomlTable table, string prefix, List<KeyValuePair<string, string>> result)
    {
        foreach (var (key, value) in table)
        {
            var name = prefix.Length == 0 ? key : prefix + "." + key;
            switch (value)
            {
                case TomlTable sub:
                    // A section that is itself an on/off option ([ping], [api], [providers.kubernetesIngress]).
                    var spec = OptionRegistry.Find(name, out _);
                    if (spec?.Kind == OptionKind.Section) result.Add(new(name, "true"));
                    Flatten(sub, name, result);
                    break;
                case TomlTableArray tables:
                    // [[entryPoints.websecure.http.tls.domains]]: Traefik's list of structures, domains[0].main.
                    for (int i = 0; i < tables.Count; i++) Flatten(tables[i], $"{name}[{i}]", result);
                    break;
                case TomlArray inline when inline.Count > 0 && inline.All(e => e is TomlTable):
                    for (int i = 0; i < inline.Count; i++) Flatten((TomlTable)inline[i]!, $"{name}[{i}]", result);
                    break;
                case TomlArray array:
                    result.Add(new(name, string.Join(",", array.Select(FormatScalar))));
                    break;
                default:
                    result.Add(new(name, FormatScalar(value)));
                    break;
            }
        }
    }

    private static string FormatScalar(object? v) => v switch
    {
        bool b => b ? "true" : "false",
        null => "",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
