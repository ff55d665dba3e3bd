using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Edge.DataPlane.Tcp;
using Edge.Model;
using Edge.Tests.Support;

namespace Edge.Tests.DataPlane.Tcp;

/// <summary>
/// A TCP servers transport as Traefik's dialer applies it (pkg/tcp/dialer.go), against loopback TCP
/// servers: TLS to a server verified with rootCAs and serverName (or not verified with
/// insecureSkipVerify), peerCertURI, Go's refusal without a server name, the transport's PROXY
/// header, and TCP keep-alive on the dialed socket.
/// </summary>
public class TcpDialerTests
{
    private static X509Certificate2 Certificate(string dns, string? uri = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=" + dns, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dns);
        if (uri is not null) san.AddUri(new Uri(uri));
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    private static async Task<string> GreetingAsync(TcpDialer dialer, int port, bool tls)
    {
        var conn = await dialer.ConnectAsync($"127.0.0.1:{port}", tls, new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 443), CancellationToken.None);
        await using var _ = conn.Stream;
        return await Edge.Tests.EndToEnd.TcpRoutingEndToEndTests.ReadLineAsync(conn.Stream);
    }

    private static TcpDialer Tls(TcpTlsClientConfig tls) => TcpDialer.ForTransport(new TcpServersTransport { Tls = tls });

    [Test]
    public async Task Tls_to_a_server_is_verified_with_the_transports_root_cas_and_server_name()
    {
        using var cert = Certificate("db.internal");
        await using var server = TcpEchoServer.Start("tls-db", cert);
        var pem = cert.ExportCertificatePem();

        await Assert.That(await GreetingAsync(Tls(new TcpTlsClientConfig { ServerName = "db.internal", RootCAs = [pem] }), server.Port, tls: true)).IsEqualTo("tls-db");
        await Assert.That(await GreetingAsync(Tls(new TcpTlsClientConfig { InsecureSkipVerify = true }), server.Port, tls: true)).IsEqualTo("tls-db")
            .Because("insecureSkipVerify needs no server name and checks nothing");

        var wrongName = await Assert.ThrowsAsync<AuthenticationException>(() => GreetingAsync(Tls(new TcpTlsClientConfig { ServerName = "other.internal", RootCAs = [pem] }), server.Port, true));
        await Assert.That(wrongName!.Message).StartsWith("TLS handshake failed");
        using var stranger = Certificate("db.internal");
        await Assert.ThrowsAsync<AuthenticationException>(() => GreetingAsync(Tls(new TcpTlsClientConfig { ServerName = "db.internal", RootCAs = [stranger.ExportCertificatePem()] }), server.Port, true));
        await Assert.ThrowsAsync<AuthenticationException>(() => GreetingAsync(Tls(new TcpTlsClientConfig { ServerName = "db.internal" }), server.Port, true))
            .Because("a self-signed certificate is not in the system's roots");

        var noName = await Assert.ThrowsAsync<AuthenticationException>(() => GreetingAsync(Tls(new TcpTlsClientConfig { RootCAs = [pem] }), server.Port, true));
        await Assert.That(noName!.Message).IsEqualTo("TLS handshake failed: " + TcpDialer.NoServerName);
        var noTls = await Assert.ThrowsAsync<AuthenticationException>(() => GreetingAsync(TcpDialer.ForService(new TcpServersLoadBalancer()), server.Port, true));
        await Assert.That(noTls!.Message).IsEqualTo("TLS handshake failed: " + TcpDialer.NoServerName).Because("without a transport's TLS settings Go's nil config refuses too");
    }

    [Test]
    public async Task PeerCertUri_must_be_among_the_servers_uri_sans()
    {
        using var withUri = Certificate("db.internal", "spiffe://cluster/ns/db");
        await using var server = TcpEchoServer.Start("uri", withUri);
        var pem = withUri.ExportCertificatePem();
        await Assert.That(await GreetingAsync(Tls(new TcpTlsClientConfig { ServerName = "db.internal", RootCAs = [pem], PeerCertUri = "spiffe://cluster/ns/db" }), server.Port, true)).IsEqualTo("uri");
        await Assert.ThrowsAsync<AuthenticationException>(() =>
            GreetingAsync(Tls(new TcpTlsClientConfig { ServerName = "db.internal", RootCAs = [pem], PeerCertUri = "spiffe://cluster/ns/other" }), server.Port, true));
    }

    [Test]
    public async Task The_transports_proxy_protocol_replaces_the_services_and_a_plain_server_gets_no_tls()
    {
        await using var server = TcpEchoServer.Start("pp", proxyProtocol: true);
        var dialer = TcpDialer.ForTransport(new TcpServersTransport { ProxyProtocol = new TcpProxyProtocol { Version = 1 }, TerminationDelay = "-1s" });
        await Assert.That(await GreetingAsync(dialer, server.Port, tls: false)).IsEqualTo("pp");
        await Assert.That(server.ProxyHeaders.Single()).IsEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 40000 443");
        await Assert.That(dialer.TerminationDelay).IsLessThan(TimeSpan.Zero).Because("a negative terminationDelay means no limit");
        await Assert.That(TcpDialer.ForTransport(new TcpServersTransport { DialTimeout = "42s" }).DialTimeout).IsEqualTo(TimeSpan.FromSeconds(42));
        await Assert.That(TcpDialer.ForTransport(new TcpServersTransport { DialTimeout = "0s" }).DialTimeout).IsEqualTo(TimeSpan.Zero);
        await Assert.That(() => TcpDialer.ForTransport(new TcpServersTransport { DialTimeout = "soon" })).Throws<FormatException>();
    }

    [Test]
    [Arguments("7s", true, 7)]
    [Arguments("1500ms", true, 2)]
    [Arguments("0s", true, 15)]
    [Arguments("-1s", false, 0)]
    public async Task DialKeepAlive_sets_the_sockets_keep_alive_as_Go_does(string keepAlive, bool on, int seconds)
    {
        await using var server = TcpEchoServer.Start("ka");
        var dialer = TcpDialer.ForTransport(new TcpServersTransport { DialKeepAlive = keepAlive });
        var conn = await dialer.ConnectAsync($"127.0.0.1:{server.Port}", false, null, null, CancellationToken.None);
        await using var _ = conn.Stream;
        await Assert.That((int)conn.Socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0).IsEqualTo(on);
        if (on) await Assert.That((int)conn.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!).IsEqualTo(seconds);
    }
}
