using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Security;

/// <summary>
/// Traefik's ClientTLS (ca, cert, key, insecureSkipVerify; each PEM or a file path) applied to an
/// HTTP client: the clients of forwardAuth and of the tracing exporter. A CA replaces the system
/// bundle for that client only; the host name is always checked unless insecureSkipVerify.
/// </summary>
public static class ClientTls
{
    /// <summary>Traefik's ClientTLS fields hold PEM contents or a file path.</summary>
    private static string? Pem(string? value) =>
        string.IsNullOrEmpty(value) || value.Contains("-----BEGIN", StringComparison.Ordinal) || !File.Exists(value) ? value : File.ReadAllText(value);

    /// <returns>False with Traefik's error text when the material does not load.</returns>
    public static bool TryApply(SocketsHttpHandler handler, string? caValue, string? certValue, string? keyValue, bool insecureSkipVerify, out string? error)
    {
        error = null;
        try
        {
            string? ca = Pem(caValue), certPem = Pem(certValue), keyPem = Pem(keyValue);
            if (!string.IsNullOrEmpty(certPem) || !string.IsNullOrEmpty(keyPem))
            {
                if (string.IsNullOrEmpty(certPem) || string.IsNullOrEmpty(keyPem))
                {
                    error = "unable to create client TLS configuration: both a certificate and a key are needed";
                    return false;
                }
                var cert = PemMaterial.ForSslStream(X509Certificate2.CreateFromPem(certPem, keyPem));
                handler.SslOptions.ClientCertificates = new X509CertificateCollection { cert };
            }
            if (insecureSkipVerify)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            }
            else if (!string.IsNullOrEmpty(ca))
            {
                var roots = new X509Certificate2Collection();
                roots.ImportFromPem(ca);
                if (roots.Count == 0)
                {
                    error = "unable to create client TLS configuration: failed to read CA: no certificate found";
                    return false;
                }
                handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                {
                    if (errors == SslPolicyErrors.None) return true;
                    if (cert is null || chain is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                    return CustomRootTrust.ChainBuilds(roots, cert, chain);
                };
            }
            return true;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            error = "unable to create client TLS configuration: " + e.Message;
            return false;
        }
    }
}
