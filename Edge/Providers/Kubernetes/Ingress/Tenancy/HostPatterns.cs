using Edge.Tenancy;

namespace Edge.Providers.Kubernetes.Ingress.Tenancy;

/// <summary>
/// The host patterns of the <c>edge.io/allowed-hosts</c> Namespace annotation, with the Ingress
/// wildcard's meaning: an exact name, or <c>*.suffix</c> for a name exactly one label below the
/// suffix (<c>*.b.example.com</c> admits <c>x.b.example.com</c> and the wildcard host
/// <c>*.b.example.com</c> itself, not <c>y.x.b.example.com</c> nor <c>b.example.com</c>). Patterns and
/// hosts are compared in their normal form (see <see cref="HostName"/>); a pattern that is not a
/// valid name admits nothing.
/// </summary>
public sealed class HostPatterns
{
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
    private readonly HashSet<string> _suffixes = new(StringComparer.Ordinal);   // "b.example.com" for *.b.example.com

    public HostPatterns(string annotation)
    {
        Text = annotation;
        foreach (var raw in annotation.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (HostName.Normalize(raw) is not { } pattern) continue;
            _exact.Add(pattern);
            if (HostName.IsWildcard(pattern)) _suffixes.Add(pattern[2..]);
        }
    }

    public string Text { get; }

    /// <summary>Whether <paramref name="host"/> (an Ingress host in normal form, possibly a wildcard) is admitted.</summary>
    public bool Allows(string host)
    {
        if (_exact.Contains(host)) return true;
        if (HostName.IsWildcard(host)) return false;   // a wildcard host is admitted only by the same pattern
        var parent = HostName.WildcardParent(host);
        return parent.Length > 0 && _suffixes.Contains(parent.ToString());
    }
}
