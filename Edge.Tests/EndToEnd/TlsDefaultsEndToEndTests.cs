using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// TLS defaults follow Mozilla's intermediate profile: TLS 1.2 and 1.3, and in TLS 1.2 only ECDHE
/// with AES-GCM or ChaCha20-Poly1305. A TLS 1.2 client that offers only CBC suites fails the
/// handshake; one that offers GCM gets it.
/// </summary>
[NotInParallel("edge-e2e")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class TlsDefaultsEndToEndTests
{
    private static async Task<TlsCipherSuite?> HandshakeAsync(int port, SslProtocols protocols, params TlsCipherSuite[] suites)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        await using var ssl = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "app.example.com",
                EnabledSslProtocols = protocols,
                CipherSuitesPolicy = suites.Length > 0 ? new CipherSuitesPolicy(suites) : null,
            });
            return ssl.NegotiatedCipherSuite;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return null;
        }
    }

    [Test]
    public async Task Cbc_only_tls12_client_is_refused_and_aead_suites_are_negotiated()
    {
        await using var f = await DataPlaneFixture.StartAsync();
        var cbc = await HandshakeAsync(f.Edge.WebPort, SslProtocols.Tls12,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA);
        await Assert.That(cbc).IsNull().Because("CBC suites are outside Mozilla's intermediate profile");
        var gcm = await HandshakeAsync(f.Edge.WebPort, SslProtocols.Tls12,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
        await Assert.That(gcm).IsNotNull();
        var tls13 = await HandshakeAsync(f.Edge.WebPort, SslProtocols.Tls13);
        await Assert.That(tls13).IsNotNull();
    }
}
