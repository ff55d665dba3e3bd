namespace Edge.Providers.Acme;

/// <summary>
/// Tenancy mode: the server names an ACME certificate may be offered for, the same scoping as a
/// Secret's certificate (<see cref="Edge.Model.CertAndStores.AllowedNames"/>). The demand is already
/// restricted to hosts each router's namespace owns (<see cref="CertificateDemand"/>), so a
/// certificate is offered for exactly the demanded names it covers: a name is dropped as soon as no
/// router of its owner asks for it any more (an owner change, a deleted Ingress), and a certificate
/// nobody asks for is not offered at all. Outside tenancy mode: null, any name it covers.
/// </summary>
public static class CertificateScope
{
    public static IReadOnlyCollection<string>? AllowedNames(IEnumerable<string> certificateDomains, IReadOnlyList<DomainSet> wanted, bool tenancy)
    {
        if (!tenancy) return null;
        var names = certificateDomains.ToList();
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var set in wanted)
            foreach (var d in set.Domains)
                if (!d.StartsWith("*.", StringComparison.Ordinal) && names.Any(n => AcmeResolver.MatchDomain(d, n))) allowed.Add(d);
        return allowed;
    }

    /// <summary>A comparable form of what a publication offers, to republish only when the scoping changed.</summary>
    public static string Signature(IEnumerable<IReadOnlyCollection<string>?> scopes) =>
        string.Join(";", scopes.Select(s => s is null ? "*" : string.Join(",", s)));
}
