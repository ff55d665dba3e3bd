namespace Edge.Translation.Tenancy;

/// <summary>
/// The host patterns of the <c>edge.io/allowed-hosts</c> Namespace annotation: exact names, or
/// <c>*.suffix</c> for any name below the suffix (which also covers wildcard rule hosts below it).
/// </summary>
public sealed class HostPatterns
{
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = new();   // ".team-a.example.com"

    public HostPatterns(string annotation)
    {
        Text = annotation;
        foreach (var raw in annotation.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.StartsWith("*.", StringComparison.Ordinal) && raw.Length > 2) _suffixes.Add(raw[1..]);
            else _exact.Add(raw);
        }
    }

    public string Text { get; }

    public bool Allows(string host)
    {
        if (_exact.Contains(host)) return true;
        foreach (var suffix in _suffixes)
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
