namespace Edge.Configuration;

/// <summary>
/// What to tell a user whose option Edge does not know: that it is one of Traefik's that Edge does
/// not implement (so a migrated configuration says what is missing, not "unknown"), or the closest
/// option Edge has (a typo such as <c>entrypoints.web.adress</c>).
/// </summary>
public static class OptionSuggestions
{
    private static readonly Lazy<string[][]> TraefikOptions = new(Load);

    /// <summary>Traefik v3.7's option names, lower case, split on dots (<c>_name_</c> = any one segment).</summary>
    public static IReadOnlyList<string[]> TraefikOptionNames => TraefikOptions.Value;

    /// <summary>The "expected ..." part of the error for an unknown dotted key (without leading dashes).</summary>
    public static string Explain(string key)
    {
        var segs = key.ToLowerInvariant().Split('.');
        if (IsTraefikOption(segs))
            return "an option Edge implements: this is a Traefik option that Edge does not implement yet (" + (Why(segs) ?? "see edge --help for the ones it does") + ")";
        var closest = Closest(segs);
        return closest is null
            ? "a known option (unknown flag; see edge --help)"
            : $"a known option (unknown flag; did you mean --{closest}?)";
    }

    /// <summary>Why a whole family of Traefik's options is missing, so the user knows what to use instead.</summary>
    private static string? Why(string[] segs) => segs switch
    {
        ["providers", "kubernetesingress" or "kubernetescrd" or "file", ..] => null,
        ["providers", var p, ..] when p != "providersthrottleduration" =>
            $"Edge serves the Kubernetes Ingress, Kubernetes CRD and file providers, not {p}",
        ["metrics", "otlp" or "datadog" or "influxdb2" or "statsd", ..] => "Edge exports metrics for Prometheus only",
        ["accesslog" or "log", "otlp", ..] => "Edge writes logs to files or stdout only; OTLP export is for traces",
        ["entrypoints", _, "http3", ..] =>
            "HTTP/3 needs QUIC through libmsquic, which .NET does not ship on Linux and a FROM scratch image cannot load; Edge serves HTTP/1.1 and HTTP/2",
        ["experimental", "plugins" or "localplugins", ..] => "Traefik's Go plugins run in Yaegi, a Go interpreter Edge does not embed",
        ["hub", ..] => "Traefik Hub is a commercial product",
        ["spiffe", ..] or ["serverstransport", "spiffe", ..] or ["tcpserverstransport", "tls", "spiffe", ..] => "Edge has no SPIFFE workload API client",
        _ => null,
    };

    public static bool IsTraefikOption(string[] segs) =>
        TraefikOptions.Value.Any(t => t.Length == segs.Length && t.Zip(segs).All(p => p.First == "_name_" || p.First == p.Second));

    /// <summary>Edge's option nearest to <paramref name="segs"/> by edit distance, if near enough to be a typo.</summary>
    public static string? Closest(string[] segs)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var option in OptionRegistry.All)
        {
            if (option.Segments.Length != segs.Length) continue;
            // A wildcard segment takes the user's own value (their entry point name).
            var candidate = string.Join('.', option.Segments.Select((s, i) => s == "<name>" ? segs[i] : s));
            int d = Distance(candidate, string.Join('.', segs));
            if (d < bestDistance) { bestDistance = d; best = string.Join('.', option.Name.Split('.').Select((s, i) => s == "<name>" ? segs[i] : s)); }
        }
        // More than a third of the name changed is another option, not a typo.
        return best is not null && bestDistance > 0 && bestDistance <= Math.Max(2, string.Join('.', segs).Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    private static string[][] Load()
    {
        using var stream = typeof(OptionSuggestions).Assembly.GetManifestResourceStream("TraefikOptionNames.txt");
        if (stream is null) return [];
        using var reader = new StreamReader(stream);
        var names = new List<string[]>();
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && line[0] != '#') names.Add(line.Trim().Split('.'));
        return names.ToArray();
    }
}
