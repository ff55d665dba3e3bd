using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Edge.Security.Acme;

/// <summary>
/// A certificate's private key of one of Traefik's key types (EC256, EC384, RSA2048, RSA4096,
/// RSA8192) and the PKCS#10 request ACME finalizes an order with (RFC 8555 §7.4): the names as
/// DNS subjectAltNames, the first also as Common Name unless disabled (lego's EnableCommonName).
/// </summary>
public sealed class CertificateKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private CertificateKey(AsymmetricAlgorithm key) => _key = key;

    public static CertificateKey New(string keyType) => keyType switch
    {
        "EC256" => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)),
        "EC384" => new(ECDsa.Create(ECCurve.NamedCurves.nistP384)),
        "RSA2048" => new(RSA.Create(2048)),
        "RSA4096" => new(RSA.Create(4096)),
        "RSA8192" => new(RSA.Create(8192)),
        _ => throw new ArgumentException($"unknown key type \"{keyType}\"", nameof(keyType)),
    };

    /// <summary>The key as PEM, the way lego writes it (PKCS#1 RSA PRIVATE KEY, SEC1 EC PRIVATE KEY) so Traefik reads it back.</summary>
    public string Pem => _key switch
    {
        RSA rsa => PemEncoding.WriteString("RSA PRIVATE KEY", rsa.ExportRSAPrivateKey()),
        ECDsa ec => PemEncoding.WriteString("EC PRIVATE KEY", ec.ExportECPrivateKey()),
        _ => throw new InvalidOperationException(),
    } + "\n";

    /// <summary>DER of a CSR for <paramref name="domains"/>, signed with this key (SHA-256).</summary>
    public byte[] CreateSigningRequest(IReadOnlyList<string> domains, bool commonName = true, IReadOnlyList<string>? emailAddresses = null)
    {
        if (domains.Count == 0) throw new ArgumentException("no domain", nameof(domains));
        var subject = commonName ? new X500DistinguishedName("CN=" + domains[0]) : new X500DistinguishedName("");
        var req = _key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
            _ => throw new InvalidOperationException(),
        };
        var san = new SubjectAlternativeNameBuilder();
        foreach (var d in domains) san.AddDnsName(d);
        foreach (var e in emailAddresses ?? []) san.AddEmailAddress(e);
        req.CertificateExtensions.Add(san.Build());
        return req.CreateSigningRequest();
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>
/// The TLS-ALPN-01 validation certificate (RFC 8737 §3): self-signed, the domain as its only DNS
/// SAN, and the critical acmeIdentifier extension (1.3.6.1.5.5.7.1.31) holding the SHA-256 of the
/// key authorization as a DER OCTET STRING.
/// </summary>
public static class TlsAlpnCertificate
{
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";
    public const string Protocol = "acme-tls/1";

    public static X509Certificate2 Create(string domain, string keyAuthorization)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=ACME challenge for " + domain, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(domain);
        req.CertificateExtensions.Add(san.Build());
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(keyAuthorization));
        req.CertificateExtensions.Add(new X509Extension(new Oid(AcmeIdentifierOid), [0x04, 0x20, .. digest], critical: true));
        return PemMaterial.ForSslStream(req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7)));
    }

    /// <summary>The key authorization digest carried by a validation certificate, or null when it has none.</summary>
    public static byte[]? Digest(X509Certificate2 cert)
    {
        var ext = cert.Extensions[AcmeIdentifierOid];
        return ext is { RawData: [0x04, 0x20, .. var d] } && d.Length == 32 ? d : null;
    }
}
