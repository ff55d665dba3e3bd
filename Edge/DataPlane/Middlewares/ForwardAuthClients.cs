using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Edge.Model;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// The HTTP clients forwardAuth calls auth servers with: redirects not followed, 30 s timeout (as
/// Traefik's client), no cookies, no decompression. One client per distinct TLS configuration,
/// shared by every middleware and every configuration generation, so reloads open no new pools.
/// </summary>
internal static class ForwardAuthClients
{
    private static readonly ConcurrentDictionary<string, HttpMessageInvoker> Clients = new(StringComparer.Ordinal);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The client for <paramref name="tls"/> (null: no TLS options), or null with Traefik's error.</summary>
    public static HttpMessageInvoker? For(ClientTlsConfig? tls, out string? error)
    {
        error = null;
        var key = tls is null ? "" : $"{tls.Ca}\n{tls.Cert}\n{tls.Key}\n{tls.InsecureSkipVerify}";
        if (Clients.TryGetValue(key, out var existing)) return existing;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
        };
        if (tls is not null && !Configure(handler, tls, out error))
        {
            handler.Dispose();
            return null;
        }
        var client = new HttpMessageInvoker(handler);
        var added = Clients.GetOrAdd(key, client);
        if (!ReferenceEquals(added, client)) client.Dispose();
        return added;
    }

    /// <summary>Traefik's ClientTLS fields hold PEM contents or a file path.</summary>
    private static string? Pem(string? value) =>
        string.IsNullOrEmpty(value) || value.Contains("-----BEGIN", StringComparison.Ordinal) || !File.Exists(value) ? value : File.ReadAllText(value);

    private static bool Configure(SocketsHttpHandler handler, ClientTlsConfig config, out string? error)
    {
        error = null;
        try
        {
            var tls = new ClientTlsConfig { Ca = Pem(config.Ca), Cert = Pem(config.Cert), Key = Pem(config.Key), InsecureSkipVerify = config.InsecureSkipVerify };
            if (!string.IsNullOrEmpty(tls.Cert) || !string.IsNullOrEmpty(tls.Key))
            {
                if (string.IsNullOrEmpty(tls.Cert) || string.IsNullOrEmpty(tls.Key))
                {
                    error = "unable to create client TLS configuration: both a certificate and a key are needed";
                    return false;
                }
                var cert = X509Certificate2.CreateFromPem(tls.Cert, tls.Key);
                // An ephemeral key cannot be used by SslStream on every platform: export and reload it.
                cert = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
                handler.SslOptions.ClientCertificates = new X509CertificateCollection { cert };
            }
            if (tls.InsecureSkipVerify == true)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            }
            else if (!string.IsNullOrEmpty(tls.Ca))
            {
                var roots = new X509Certificate2Collection();
                roots.ImportFromPem(tls.Ca);
                if (roots.Count == 0)
                {
                    error = "unable to create client TLS configuration: failed to read CA: no certificate found";
                    return false;
                }
                handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                {
                    if (errors == SslPolicyErrors.None) return true;
                    if (cert is null || chain is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                    return Edge.Security.CustomRootTrust.ChainBuilds(roots, cert, chain);
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
