using System.Text;

namespace Edge.Configuration;

/// <summary>
/// The option registry seen as documentation: options grouped by section, Edge's own options told
/// apart from Traefik's (an option not in Traefik v3.7's list), the Markdown table the README
/// carries, and how many of Traefik's options Edge accepts, per section.
/// </summary>
public static class OptionCatalog
{
    /// <summary>"entryPoints", "providers.kubernetesIngress", "accessLog", ...: the first segment, two for providers.</summary>
    public static string Section(string name)
    {
        var segs = name.Split('.');
        bool provider = segs.Length > 1 && segs[0].Equals("providers", StringComparison.OrdinalIgnoreCase)
            && !segs[1].Equals("providersThrottleDuration", StringComparison.OrdinalIgnoreCase)
            && !segs[1].Equals("precedence", StringComparison.OrdinalIgnoreCase);
        return provider ? segs[0] + "." + segs[1] : segs[0];
    }

    public static bool IsEdgeOwn(OptionSpec o) =>
        !OptionSuggestions.TraefikOptionNames.Any(t => SameShape(t, o.Segments));

    /// <summary>The registry's options by section, sections in first-appearance order.</summary>
    public static IEnumerable<IGrouping<string, OptionSpec>> BySection() =>
        OptionRegistry.All.GroupBy(o => Section(o.Name), StringComparer.OrdinalIgnoreCase);

    /// <summary>Traefik's options Edge accepts / Traefik's options, per section of Traefik's list.</summary>
    public static IReadOnlyList<(string Section, int Accepted, int Total)> Coverage() =>
        OptionSuggestions.TraefikOptionNames
            .GroupBy(t => Section(string.Join('.', t)), StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, g.Count(t => OptionRegistry.All.Any(o => SameShape(t, o.Segments))), g.Count()))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .ToList();

    private static bool SameShape(string[] traefik, string[] edge) =>
        traefik.Length == edge.Length && traefik.Zip(edge).All(p => p.First == "_name_" ? p.Second == "<name>" : p.First == p.Second);

    /// <summary>The README's option table (between its options markers), generated so that it cannot go stale.</summary>
    public static string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append("| Option | Type | Default | Description |\n|---|---|---|---|\n");
        foreach (var section in BySection())
        {
            sb.Append("| **").Append(section.Key).Append("** | | | |\n");
            foreach (var o in section)
            {
                sb.Append("| `").Append(o.Name).Append('`').Append(IsEdgeOwn(o) ? " (Edge)" : "")
                  .Append(" | ").Append(o.Kind.ToString().ToLowerInvariant())
                  .Append(" | ").Append(o.Default.Length > 0 ? "`" + o.Default + "`" : "")
                  .Append(" | ").Append(o.Description.Replace("|", "\\|")).Append(" |\n");
            }
        }
        int accepted = 0, total = 0;
        sb.Append("\nTraefik v3.7 options accepted, by section:\n\n| Section | Accepted | Of Traefik's |\n|---|---:|---:|\n");
        foreach (var (section, a, t) in Coverage())
        {
            sb.Append("| ").Append(section).Append(" | ").Append(a).Append(" | ").Append(t).Append(" |\n");
            accepted += a; total += t;
        }
        sb.Append("| **all** | **").Append(accepted).Append("** | **").Append(total).Append("** |\n");
        return sb.ToString();
    }
}
