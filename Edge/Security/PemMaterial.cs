using System.Security.Cryptography.X509Certificates;

namespace Edge.Security;

/// <summary>
/// Certificates given the way Traefik's configuration gives them (FileOrContent): a path to an
/// existing file is read, anything else is the PEM itself. Used by TLS options (client CAs) and
/// servers transports (root CAs, client certificates).
/// </summary>
public static class PemMaterial
{
    /// <summary>
    /// A certificate whose key lives only in memory (CreateFromPem, CreateSelfSigned), made usable by
    /// SslStream: on Linux as it is (OpenSSL holds the key); elsewhere through a PKCS#12 export and
    /// reload, because SChannel and Apple's TLS refuse ephemeral keys. The round trip (a PBKDF2 over
    /// the export) was about 8% of Edge's start with one TLS Secret (issue 18). Takes ownership.
    /// </summary>
    public static X509Certificate2 ForSslStream(X509Certificate2 certificate)
    {
        if (OperatingSystem.IsLinux()) return certificate;
        using (certificate) return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

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

    /// <summary>A certificate with its private key, usable by SslStream (see <see cref="ForSslStream"/>).</summary>
    public static X509Certificate2 KeyPair(string certFile, string keyFile, string what)
    {
        try
        {
            return ForSslStream(X509Certificate2.CreateFromPem(Read(certFile), Read(keyFile)));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new FormatException($"{what}: {e.Message}", e);
        }
    }
}
