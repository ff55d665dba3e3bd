using System.Collections.Frozen;

namespace Edge.Tenancy;

/// <summary>
/// Tenancy mode: which namespace owns each request host, compiled for the request path. A host
/// claimed exactly belongs to its exact owner; any other host belongs to the owner of the wildcard
/// one label up (<c>*.a.example.com</c> owns <c>x.a.example.com</c>, never <c>a.example.com</c> nor
/// <c>y.x.a.example.com</c>); nobody owns the rest. Keys are normal forms (see <see cref="HostName"/>);
/// lookups are case-insensitive on spans, so asking costs two hash lookups and no allocation.
/// </summary>
public sealed class HostOwnership
{
    private readonly FrozenDictionary<string, string> _exact;
    private readonly FrozenDictionary<string, string> _wildcard;
    private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;

    /// <param name="exact">Exact host → owning namespace.</param>
    /// <param name="wildcards">Wildcard suffix ("a.example.com" for <c>*.a.example.com</c>) → owning namespace.</param>
    public HostOwnership(IReadOnlyDictionary<string, string> exact, IReadOnlyDictionary<string, string> wildcards)
    {
        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _wildcard = wildcards.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardLookup = _wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyDictionary<string, string> Exact => _exact;

    public IReadOnlyDictionary<string, string> Wildcards => _wildcard;

    /// <summary>The namespace owning <paramref name="host"/> (any case, trailing dots ignored), or null when nobody does.</summary>
    public string? OwnerOf(ReadOnlySpan<char> host)
    {
        host = host.TrimEnd('.');
        if (host.Length == 0) return null;
        if (_exactLookup.TryGetValue(host, out var owner)) return owner;
        var parent = HostName.WildcardParent(host);
        return parent.Length > 0 && _wildcardLookup.TryGetValue(parent, out owner) ? owner : null;
    }

    /// <summary>Whether a router of <paramref name="routerNamespace"/> may serve a request whose host has <paramref name="owner"/>.</summary>
    public static bool MayServe(string? routerNamespace, string? owner) =>
        owner is null || routerNamespace is null || string.Equals(routerNamespace, owner, StringComparison.Ordinal);
}
