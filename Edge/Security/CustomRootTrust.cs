using System.Security.Cryptography.X509Certificates;

namespace Edge.Security;

/// <summary>
/// Server certificate validation against a private CA (the cluster's ca.crt, a serversTransport's
/// rootCAs): the chain must build to one of <c>roots</c> alone, not to the system store.
/// </summary>
public static class CustomRootTrust
{
    public static bool ChainBuilds(X509Certificate2Collection roots, X509Certificate certificate, X509Chain chain)
    {
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Clear();
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
