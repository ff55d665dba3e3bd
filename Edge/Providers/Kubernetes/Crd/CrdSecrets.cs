using System.Text;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Reading CA and key-pair PEMs from the Secrets that TLSOption, TLSStore and ServersTransport name,
/// with Traefik's keys (pkg/provider/kubernetes/crd/kubernetes.go: getCABlocks, loadCASecret,
/// getCertificateBlocks). Errors name the Secret; the caller names the object.
/// </summary>
internal static class CrdSecrets
{
    /// <summary>tls.ca, else ca.crt (TLSOption clientAuth.secretNames).</summary>
    public static string? CaBlock(ClusterSnapshot snapshot, string ns, string name, out string? error)
    {
        error = null;
        if (snapshot.GetSecret(ns, name) is not { } secret) { error = $"secret '{ns}/{name}' not found"; return null; }
        if (Value(secret.Data, "tls.ca") is { } ca) return ca;
        if (Value(secret.Data, "ca.crt") is { } crt) return crt;
        error = $"secret {ns}/{name} contains neither tls.ca nor ca.crt";
        return null;
    }

    /// <summary>A ServersTransport's root CA: as <see cref="CaBlock"/>, or the Secret's only key (Traefik's backward compatibility).</summary>
    public static string? RootCa(ClusterSnapshot snapshot, string ns, string name, out string? error)
    {
        var ca = CaBlock(snapshot, ns, name, out error);
        if (ca is not null || snapshot.GetSecret(ns, name) is not { Data.Count: 1 } secret) return ca;
        error = null;
        return Encoding.UTF8.GetString(secret.Data.Values.First());
    }

    /// <summary>tls.crt and tls.key, both present and non-empty.</summary>
    public static (string Cert, string Key)? KeyPair(ClusterSnapshot snapshot, string ns, string name, out string? error)
    {
        error = null;
        if (snapshot.GetSecret(ns, name) is not { } secret) { error = $"secret '{ns}/{name}' does not exist"; return null; }
        var missing = new List<string>();
        var cert = Value(secret.Data, "tls.crt");
        var key = Value(secret.Data, "tls.key");
        if (string.IsNullOrEmpty(cert)) missing.Add("tls.crt");
        if (string.IsNullOrEmpty(key)) missing.Add("tls.key");
        if (missing.Count > 0) { error = $"secret {ns}/{name} is missing the following TLS data entries: {string.Join(", ", missing)}"; return null; }
        return (cert!, key!);
    }

    private static string? Value(IDictionary<string, byte[]>? data, string key) =>
        data is not null && data.TryGetValue(key, out var bytes) && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;
}
