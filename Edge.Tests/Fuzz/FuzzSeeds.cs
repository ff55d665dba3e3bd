using System.Text.RegularExpressions;
using Edge.Configuration;
using Edge.Tests.Support;

namespace Edge.Tests.Fuzz;

/// <summary>
/// Real inputs to start from: rules, annotations and TOML from the Traefik-derived corpus and the
/// repository's own example, flags from the option registry. scripts/fuzz writes them out as the
/// fuzzer's seed corpus; the property tests mutate them.
/// </summary>
public static partial class FuzzSeeds
{
    [GeneratedRegex("\"rule\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex RuleJson();

    [GeneratedRegex("\"(traefik\\.ingress\\.kubernetes\\.io/[^\"]+)\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex AnnotationJson();

    public static IReadOnlyList<string> For(string target) => target switch
    {
        "rule" => Rules(),
        "annotations" => Annotations(),
        "toml" => Tomls(),
        "flags" => Flags(),
        _ => throw new ArgumentException("unknown target " + target),
    };

    private static IEnumerable<string> CorpusTexts() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "Edge.Tests", "Conformance", "cases"), "*.json").Order().Select(File.ReadAllText);

    public static IReadOnlyList<string> Rules()
    {
        var rules = CorpusTexts().SelectMany(t => RuleJson().Matches(t).Select(m => Regex.Unescape(m.Groups[1].Value))).Distinct().ToList();
        rules.AddRange([
            "Host(`a.example.com`) && (PathPrefix(`/api`) || !Path(`/x`))", "HostRegexp(`^.+\\.example\\.com$`)",
            "PathRegexp(`^/v[0-9]+/`)", "Header(`X-A`, `b`) && Method(`GET`)", "ClientIP(`10.0.0.0/8`)", "Query(`a`, `b`)",
            "Host(`a`, `b`)", "PathPrefix(`/{id:[0-9]+}`)", "HostSNI(`*`)",
        ]);
        return rules;
    }

    public static IReadOnlyList<string> Annotations()
    {
        var sets = CorpusTexts().Select(t => string.Join('\n', AnnotationJson().Matches(t).Select(m =>
            m.Groups[1].Value + "=" + Regex.Unescape(m.Groups[2].Value)))).Where(s => s.Length > 0).Distinct().ToList();
        sets.Add("router.priority=10\nrouter.entrypoints=web,websecure\nrouter.tls=true\nrouter.tls.domains.0.main=a.example.com\nrouter.tls.domains.0.sans=b.example.com,c.example.com");
        sets.Add("service.sticky.cookie=true\nservice.sticky.cookie.maxage=60\nservice.sticky.cookie.samesite=lax\nservice.serversscheme=h2c\nservice.nativelb=true");
        return sets;
    }

    public static IReadOnlyList<string> Tomls()
    {
        var files = new List<string> { Path.Combine(RepoPaths.Root, "edge.toml.example") };
        var integration = Path.Combine(RepoPaths.Conformance, "integration", "config");
        if (Directory.Exists(integration)) files.AddRange(Directory.EnumerateFiles(integration, "*.toml").Order());
        return files.Select(File.ReadAllText).ToList();
    }

    public static IReadOnlyList<string> Flags()
    {
        static string Sample(OptionSpec o) => o.Kind switch
        {
            OptionKind.Bool or OptionKind.Section => "true", OptionKind.Int => "3", OptionKind.Duration => "5s",
            OptionKind.List => "a,b", _ => o.Name.Contains("address", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1:8000" : "x",
        };
        var flags = OptionRegistry.All.Select(o => "--" + o.Name.Replace("<name>", "web") + "=" + Sample(o)).ToList();
        // A few realistic command lines, one flag per line.
        return
        [
            string.Join('\n', flags.Take(12)), string.Join('\n', flags.Skip(12).Take(12)), string.Join('\n', flags.Skip(24)),
            "--entrypoints.web.address=:80\n--api.insecure=true\n--providers.kubernetesingress.namespaces=a,b",
            "--ping\n--log.level=DEBUG\n--accesslog.format=json\n--metrics.prometheus.buckets=0.1,0.5",
        ];
    }
}
