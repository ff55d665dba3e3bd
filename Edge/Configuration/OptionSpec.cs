namespace Edge.Configuration;

public enum OptionKind { Bool, String, List, Duration, Int, Section }

/// <summary>
/// One static option. <see cref="Name"/> is Traefik's dotted path; a segment written
/// <c>&lt;name&gt;</c> matches any single segment (an entry point name) and is passed to <see cref="Apply"/>.
/// A segment ending in <c>[0]</c> (Traefik's list of structures, <c>domains[0].main</c>) matches any
/// index; the index is appended to the wildcard as <c>name[i]</c> (see <see cref="SplitIndex"/>).
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
            if (Segments[i].EndsWith("[0]", StringComparison.Ordinal) && IndexOf(Segments[i][..^3], keySegments[i]) is { } index)
            {
                wildcard += "[" + index + "]";
                continue;
            }
            if (!string.Equals(Segments[i], keySegments[i], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    /// <summary>The index of <c>stem[i]</c>, or null when <paramref name="segment"/> is not one.</summary>
    private static int? IndexOf(string stem, string segment)
    {
        if (!segment.StartsWith(stem + "[", StringComparison.OrdinalIgnoreCase) || !segment.EndsWith(']')) return null;
        return int.TryParse(segment.AsSpan(stem.Length + 1, segment.Length - stem.Length - 2), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var i) && i < 1000 ? i : null;
    }

    /// <summary>"websecure[2]" to ("websecure", 2): the wildcard of an indexed option.</summary>
    public static (string Name, int Index) SplitIndex(string wildcard)
    {
        var open = wildcard.LastIndexOf('[');
        return (wildcard[..open], int.Parse(wildcard.AsSpan(open + 1, wildcard.Length - open - 2), System.Globalization.CultureInfo.InvariantCulture));
    }
}
