using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// The HTTP connection to the API server for a <see cref="KubernetesClientConfiguration"/>, as
/// KubernetesClient's own client sets it up: the cluster CA as the only trust root (or no check
/// with insecure-skip-tls-verify), the TLS server name, a client certificate, and one credential
/// per request (a token provider such as the service-account file or an exec plugin, a static
/// token, or basic auth, in that order).
/// </summary>
public static class KubeHttpHandler
{
    public static SocketsHttpHandler Create(KubernetesClientConfiguration config)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
        };
        if (!string.IsNullOrEmpty(config.TlsServerName)) handler.SslOptions.TargetHost = config.TlsServerName;
        if (config.SkipTlsVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (config.SslCaCerts is { Count: > 0 } roots)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
            {
                if (errors == SslPolicyErrors.None) return true;
                if (cert is null || chain is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;   // a cluster CA publishes no revocation lists
                return Edge.Security.CustomRootTrust.ChainBuilds(roots, cert, chain);
            };
        }
        if (!string.IsNullOrEmpty(config.ClientCertificateData) || !string.IsNullOrEmpty(config.ClientCertificateFilePath))
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { ClientCertificate(config) };
        }
        return handler;
    }

    /// <summary>The kubeconfig's client-certificate(-data) and client-key(-data), PEM.</summary>
    private static X509Certificate2 ClientCertificate(KubernetesClientConfiguration config)
    {
        string certPem, keyPem;
        try
        {
            certPem = !string.IsNullOrEmpty(config.ClientCertificateData)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData))
            : File.ReadAllText(config.ClientCertificateFilePath);
            keyPem = !string.IsNullOrEmpty(config.ClientCertificateKeyData)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData))
            : File.ReadAllText(config.ClientKeyFilePath);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or ArgumentException)
        {
            throw new Configuration.ConfigException("kubeconfig client-certificate/client-key", $"readable PEM data ({e.Message})");
        }
        try
        {
            return Edge.Security.PemMaterial.ForSslStream(X509Certificate2.CreateFromPem(certPem, keyPem));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // A broken PEM in the kubeconfig is a configuration error naming its source, not a crash.
            throw new Configuration.ConfigException("kubeconfig client-certificate/client-key", $"a PEM certificate and its key ({e.Message})");
        }
    }

    /// <summary>The Authorization header for each request (null: none, e.g. client certificates or kubectl proxy).</summary>
    public static Func<CancellationToken, Task<AuthenticationHeaderValue?>> Authorization(KubernetesClientConfiguration config)
    {
        if (config.TokenProvider is { } provider)
            return async ct => await provider.GetAuthenticationHeaderAsync(ct).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(config.AccessToken))
        {
            var bearer = new AuthenticationHeaderValue("Bearer", config.AccessToken);
            return _ => Task.FromResult<AuthenticationHeaderValue?>(bearer);
        }
        if (!string.IsNullOrEmpty(config.Username))
        {
            var basic = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(config.Username + ":" + config.Password)));
            return _ => Task.FromResult<AuthenticationHeaderValue?>(basic);
        }
        return _ => Task.FromResult<AuthenticationHeaderValue?>(null);
    }
}
