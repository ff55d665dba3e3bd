namespace Edge.Configuration;

public enum OptionKind { Bool, String, List, Duration, Int, Section }

/// <summary>
/// One static option. <see cref="Name"/> is Traefik's dotted path; a segment written
/// <c>&lt;name&gt;</c> matches any single segment (an entry point name) and is passed to <see cref="Apply"/>.
/// </summary>
public sealed record OptionSpec(
    string Name, OptionKind Kind, string Default, string Description,
    Action<StaticConfig, string, string> Apply)
{
    public string[] Segments { get; } = Name.ToLowerInvariant().Split('.');

    /// <summary>Matches a lower-cased dotted key; returns the wildcard segment (or "") on success.</summary>
    public bool TryMatch(string[] keySegments, out string wildcard)
    {
        wildcard = "";
        if (keySegments.Length != Segments.Length) return false;
        for (int i = 0; i < Segments.Length; i++)
        {
            if (Segments[i] == "<name>") { wildcard = keySegments[i]; continue; }
            if (!string.Equals(Segments[i], keySegments[i], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }
}
