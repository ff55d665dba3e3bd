using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Shared;
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
            if (SecretCertificate.Read(snapshot, ns, t.SecretName, out var error) is not { } certificate)
            {
                issue("Error configuring TLS: " + error);
                return;
            }
            certificates[key] = certificate;
        }
    }
}
