using System.Security.Cryptography.X509Certificates;

namespace Edge.Security;

/// <summary>
/// Certificates given the way Traefik's configuration gives them (FileOrContent): a path to an
/// existing file is read, anything else is the PEM itself. Used by TLS options (client CAs) and
/// servers transports (root CAs, client certificates).
/// </summary>
public static class PemMaterial
{
    public static string Read(string value) =>
        !value.Contains("-----BEGIN", StringComparison.Ordinal) && File.Exists(value) ? File.ReadAllText(value) : value;

    /// <summary>Every certificate of every value, as one collection; a value with none is an error.</summary>
    public static X509Certificate2Collection Certificates(IEnumerable<string> values, string what)
    {
        var all = new X509Certificate2Collection();
        foreach (var v in values)
        {
            var before = all.Count;
            try { all.ImportFromPem(Read(v)); }
            catch (System.Security.Cryptography.CryptographicException e) { throw new FormatException($"{what}: {e.Message}", e); }
            if (all.Count == before) throw new FormatException($"{what}: no PEM certificate found");
        }
        return all;
    }

    /// <summary>A certificate with its private key, usable by SslStream (ephemeral keys are not, on every platform).</summary>
    public static X509Certificate2 KeyPair(string certFile, string keyFile, string what)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPem(Read(certFile), Read(keyFile));
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new FormatException($"{what}: {e.Message}", e);
        }
    }
}
