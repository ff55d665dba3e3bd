namespace Edge.Tenancy;

/// <summary>
/// Tenancy mode: a namespace obtains certificates only for hosts it owns. A router that names a
/// certificate's hosts itself (<c>tls.domains</c>) and names one its namespace does not own is in
/// error, the way a nonexistent resolver is: the router is not served and /api/rawdata says why.
/// </summary>
public static class CertificateHosts
{
    /// <returns>The router's error naming the namespace and the first such host, or null when the namespace owns them all (or outside tenancy mode, or for the administrator's routers, which have no namespace).</returns>
    public static string? ForeignHostError(string? routerNamespace, IEnumerable<string> domains, HostOwnership? ownership, string resolver)
    {
        if (ownership is null || routerNamespace is null) return null;
        foreach (var raw in domains)
        {
            var host = raw.Trim().TrimEnd('.');
            if (host.Length == 0) continue;
            var owner = ownership.OwnerOf(host);
            if (string.Equals(owner, routerNamespace, StringComparison.Ordinal)) continue;
            return $"certificate resolver \"{resolver}\": tls.domains host \"{host.ToLowerInvariant()}\" "
                + (owner is null ? "is owned by no namespace" : $"belongs to namespace \"{owner}\"")
                + $"; namespace \"{routerNamespace}\" may only obtain certificates for hosts it owns";
        }
        return null;
    }
}
