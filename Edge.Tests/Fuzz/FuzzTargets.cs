using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.Providers.Kubernetes.Ingress;

namespace Edge.Tests.Fuzz;

/// <summary>
/// The parsers that read untrusted or user-written text, each as a target taking one input string.
/// A target returns normally when the parser accepted the input or rejected it the documented way
/// (ConfigException, AnnotationException, a rule parse error); anything else escapes and is a bug.
/// Shared by the randomized property tests (CI) and by scripts/fuzz (SharpFuzz + AFL++).
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<string>> All = new Dictionary<string, Action<string>>
    {
        ["flags"] = Flags, ["toml"] = Toml, ["annotations"] = Annotations, ["rule"] = Rule,
    };

    /// <summary>One flag per line, as given on a command line.</summary>
    public static void Flags(string input)
    {
        var args = input.Split('\n');
        try { ConfigLoader.Load(args, new Dictionary<string, string?>()); }
        catch (ConfigException) { }
    }

    /// <summary>A TOML static configuration, parsed and applied option by option.</summary>
    public static void Toml(string input)
    {
        try
        {
            var config = new StaticConfig();
            foreach (var (key, value) in ConfigLoader.ParseToml(input))
            {
                var spec = OptionRegistry.Find(key, out var wildcard) ?? throw new ConfigException(key, "a known option");
                spec.Apply(config, wildcard, value);
            }
            config.ApplyDefaults();
        }
        catch (ConfigException) { }
    }

    /// <summary>"key=value" lines; a key without a dot is taken as traefik.ingress.kubernetes.io/&lt;key&gt;.</summary>
    public static void Annotations(string input)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in input.Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var key = line[..eq];
            annotations[key.Contains('/') ? key : IngressAnnotations.Prefix + key] = line[(eq + 1)..];
        }
        try { IngressAnnotations.ParseRouter(annotations); }
        catch (AnnotationException) { }
        try { IngressAnnotations.ParseService(annotations); }
        catch (AnnotationException) { }
    }

    /// <summary>A router rule, in both syntaxes; a rule that does not parse comes back as an error, never an exception.</summary>
    public static void Rule(string input)
    {
        RuleParser.Parse("fuzz", input, RuleSyntax.V3);
        RuleParser.Parse("fuzz", input, RuleSyntax.V2);
    }
}
