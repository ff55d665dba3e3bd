using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Tests.FakeApi;

/// <summary>
/// A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost. A separate CA (rather
/// than one self-signed leaf) is what a kubeconfig's certificate-authority models, so clients exercise the
/// same "trust this CA" path they use against a real cluster.
/// </summary>
internal sealed class SelfSignedCertificates : IDisposable
{
    private SelfSignedCertificates(X509Certificate2 ca, X509Certificate2 server)
    {
        Ca = ca;
        Server = server;
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public string CaPem => Ca.ExportCertificatePem();

    public static SelfSignedCertificates Create()
    {
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = notBefore.AddDays(2);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=edge-fake-apiserver-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var caSki = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false);
        caRequest.CertificateExtensions.Add(caSki);
        using var caWithKey = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(caSki));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // positive
        using var signed = request.Create(caWithKey, notBefore, notAfter.AddMinutes(-1), serial);
        using var signedWithKey = signed.CopyWithPrivateKey(serverKey);

        // Round-trip through PKCS#12 so the key is a persisted one that SslStream accepts on every platform.
        var server = X509CertificateLoader.LoadPkcs12(signedWithKey.Export(X509ContentType.Pkcs12), null);
        var ca = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
        return new SelfSignedCertificates(ca, server);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
    }
}
