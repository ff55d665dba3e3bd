using System.Text;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Shared;

/// <summary>
/// A TLS certificate from a <c>kubernetes.io/tls</c>-shaped Secret (tls.crt, tls.key), with
/// Traefik's error texts (getTLS / getCertificateBlocks), for the Ingress and IngressRoute
/// providers alike. The caller chooses the namespace: always the referencing object's own.
/// </summary>
public static class SecretCertificate
{
    public static CertAndStores? Read(ClusterSnapshot snapshot, string ns, string secretName, out string? error)
    {
        error = null;
        var secret = snapshot.GetSecret(ns, secretName);
        if (secret is null)
        {
            error = $"secret {ns}/{secretName} does not exist";
            return null;
        }
        var missing = new List<string>();
        byte[]? crt = null, keyBytes = null;
        if (secret.Data is null || !secret.Data.TryGetValue("tls.crt", out crt)) missing.Add("tls.crt");
        if (secret.Data is null || !secret.Data.TryGetValue("tls.key", out keyBytes)) missing.Add("tls.key");
        if (missing.Count > 0)
        {
            error = $"secret {ns}/{secretName} is missing the following TLS data entries: {string.Join(", ", missing)}";
            return null;
        }
        var cert = Encoding.UTF8.GetString(crt ?? []);
        var privateKey = Encoding.UTF8.GetString(keyBytes ?? []);
        if (cert.Length == 0) missing.Add("tls.crt");
        if (privateKey.Length == 0) missing.Add("tls.key");
        if (missing.Count > 0)
        {
            error = $"secret {ns}/{secretName} contains the following empty TLS data entries: {string.Join(", ", missing)}";
            return null;
        }
        return new CertAndStores { CertFile = cert, KeyFile = privateKey, SourceSecret = ns + "/" + secretName, Namespace = ns };
    }
}
