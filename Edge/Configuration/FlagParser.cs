namespace Edge.Configuration;

/// <summary>
/// Traefik-style flags: <c>--a.b.c=value</c>, <c>--a.b.c value</c>, booleans as <c>--x</c> or
/// <c>--x=true</c>. Names are case-insensitive; list values are comma-separated.
/// </summary>
public static class FlagParser
{
    public static List<KeyValuePair<string, string>> Parse(IReadOnlyList<string> args)
    {
        var result = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-" || arg == "--")
                throw new ConfigException(arg, "a flag of the form --name=value (unexpected argument)");
            var body = arg.TrimStart('-');
            string key, value;
            int eq = body.IndexOf('=');
            if (eq >= 0)
            {
                key = body[..eq];
                value = body[(eq + 1)..];
            }
            else
            {
                key = body;
                var spec = OptionRegistry.Find(key, out _)
                    ?? throw new ConfigException("--" + key, OptionSuggestions.Explain(key));
                bool isBool = spec.Kind is OptionKind.Bool or OptionKind.Section;
                bool nextIsValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                if (isBool)
                {
                    // "--x true" is accepted; "--x" alone means true.
                    if (nextIsValue && args[i + 1].ToLowerInvariant() is "true" or "false") value = args[++i];
                    else value = "true";
                }
                else if (nextIsValue) value = args[++i];
                else throw new ConfigException("--" + key, $"a value ({Describe(spec.Kind)})");
            }
            if (key.Length == 0) throw new ConfigException(arg, "a flag name");
            if (OptionRegistry.Find(key, out _) is null)
                throw new ConfigException("--" + key, OptionSuggestions.Explain(key));
            result.Add(new(key, value));
        }
        return result;
    }

    internal static string Describe(OptionKind kind) => kind switch
    {
        OptionKind.Bool or OptionKind.Section => "true or false",
        OptionKind.List => "a comma-separated list",
        OptionKind.Duration => "a duration such as 2s",
        OptionKind.Int => "an integer",
        _ => "a string",
    };
}
