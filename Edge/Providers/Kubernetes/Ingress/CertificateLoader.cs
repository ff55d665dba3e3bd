using System.Text;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Ingress;

/// <summary>
/// TLS certificates from the Secrets an Ingress names in spec.tls. A Secret is only ever read from
/// the Ingress's own namespace, so no Ingress can make another namespace's key be served.
/// </summary>
public static class CertificateLoader
{
    public static void Load(ClusterSnapshot snapshot, V1Ingress ingress, string ns,
        SortedDictionary<string, CertAndStores> certificates, Action<string> issue)
    {
        foreach (var t in ingress.Spec?.Tls ?? [])
        {
            if (string.IsNullOrEmpty(t.SecretName)) continue;   // Traefik: skipped, no secret name
            var key = ns + "-" + t.SecretName;
            if (certificates.ContainsKey(key)) continue;
            var secret = snapshot.GetSecret(ns, t.SecretName);
            if (secret is null)
            {
                issue($"Error configuring TLS: secret {ns}/{t.SecretName} does not exist");
                return;
            }
            var missing = new List<string>();
            byte[]? crt = null, keyBytes = null;
            if (secret.Data is null || !secret.Data.TryGetValue("tls.crt", out crt)) missing.Add("tls.crt");
            if (secret.Data is null || !secret.Data.TryGetValue("tls.key", out keyBytes)) missing.Add("tls.key");
            if (missing.Count > 0)
            {
                issue($"Error configuring TLS: secret {ns}/{t.SecretName} is missing the following TLS data entries: {string.Join(", ", missing)}");
                return;
            }
            var cert = Encoding.UTF8.GetString(crt ?? []);
            var privateKey = Encoding.UTF8.GetString(keyBytes ?? []);
            if (cert.Length == 0) missing.Add("tls.crt");
            if (privateKey.Length == 0) missing.Add("tls.key");
            if (missing.Count > 0)
            {
                issue($"Error configuring TLS: secret {ns}/{t.SecretName} contains the following empty TLS data entries: {string.Join(", ", missing)}");
                return;
            }
            certificates[key] = new CertAndStores { CertFile = cert, KeyFile = privateKey, SourceSecret = ns + "/" + t.SecretName };
        }
    }
}
