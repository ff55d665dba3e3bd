using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Edge.Security.Acme.Dns;
using Edge.Tests.Acme;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// DNS-01 end to end: Debian's bind9 serves the zone acme.test on a loopback port with dynamic
/// updates signed by a TSIG key; pebble resolves through that bind (-dnsserver), so its DNS-01
/// validation reads the TXT record Edge wrote. artifacts/edge with
/// dnsChallenge.provider=rfc2136 and lego's RFC2136_* variables obtains a certificate for a
/// router's host and one for a wildcard (only possible with DNS-01); a TLS client then sees chains
/// to pebble's root for both names, and the challenge records are gone from the zone.
/// </summary>
[NotInParallel("edge-e2e")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AcmeDnsEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-acme-dns-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Rfc2136_dns01_issues_a_certificate_for_a_host_and_for_a_wildcard()
    {
        if (!Pebble.Installed || !BindServer.Installed) throw new InvalidOperationException("pebble and bind9 are needed (.ci/run installs them)");
        await using var backend = await EchoBackend.StartAsync("app");
        int web = FreePort.Get(), tls = FreePort.Get(), api = FreePort.Get();
        await using var bind = await BindServer.StartAsync(_dir);
        await using var pebble = await Pebble.StartAsync(_dir, httpPort: web, tlsPort: tls, dnsServer: $"127.0.0.1:{bind.Port}");
        var file = Path.Combine(_dir, "dynamic.yaml");
        File.WriteAllText(file, $$"""
            http:
              routers:
                app:
                  rule: Host(`app.acme.test`)
                  entryPoints: [websecure]
                  service: app
                  tls:
                    certResolver: pebble
                wild:
                  rule: HostRegexp(`^[a-z]+\.wild\.acme\.test$`)
                  entryPoints: [websecure]
                  service: app
                  tls:
                    certResolver: pebble
                    domains:
                      - main: "*.wild.acme.test"
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: http://127.0.0.1:{{backend.Port}}
            """);
        var env = new Dictionary<string, string>
        {
            ["RFC2136_NAMESERVER"] = $"127.0.0.1:{bind.Port}", ["RFC2136_TSIG_KEY"] = BindServer.KeyName,
            ["RFC2136_TSIG_SECRET"] = bind.Secret, ["RFC2136_TSIG_ALGORITHM"] = "hmac-sha256.", ["RFC2136_POLLING_INTERVAL"] = "1",
        };
        await using var edge = await EdgeProcess.StartExactAsync([
            $"--entrypoints.web.address=127.0.0.1:{web}", $"--entrypoints.websecure.address=127.0.0.1:{tls}",
            $"--entrypoints.traefik.address=127.0.0.1:{api}", "--api.insecure=true", "--ping=true", "--log.level=INFO",
            $"--providers.file.filename={file}",
            $"--certificatesresolvers.pebble.acme.caserver={pebble.DirectoryUrl}",
            $"--certificatesresolvers.pebble.acme.cacertificates={pebble.ApiCertificateFile}",
            $"--certificatesresolvers.pebble.acme.storage={Path.Combine(_dir, "acme.json")}",
            "--certificatesresolvers.pebble.acme.keytype=EC256",
            "--certificatesresolvers.pebble.acme.dnschallenge.provider=rfc2136"], web, api, env);

        var root = await pebble.RootAsync();
        foreach (var (sni, name) in new[] { ("app.acme.test", "app.acme.test"), ("any.wild.acme.test", "*.wild.acme.test") })
        {
            X509Certificate2? leaf = null;
            await Eventually.UntilAsync(async () =>
            {
                leaf = (await ChainAsync(tls, sni, root)).Leaf;
                return leaf is not null && !leaf.Subject.Contains("TRAEFIK DEFAULT CERT");
            }, TimeSpan.FromSeconds(90), () => $"no issued certificate for {sni}\nedge:\n{edge.Output}\npebble:\n{pebble.Output}\nbind:\n{bind.Output}");
            await Assert.That(leaf!.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(s => s.EnumerateDnsNames())).IsEquivalentTo(new[] { name });
            await Assert.That((await ChainAsync(tls, sni, root)).Valid).IsTrue().Because($"the chain for {sni} builds to pebble's root and names it");
        }
        // Validated over DNS only: Edge answered no HTTP-01/TLS-ALPN-01 challenge; bind took signed updates.
        await Assert.That(edge.Output).DoesNotContain("Answering the HTTP-01 challenge").And.DoesNotContain("Answering the TLS-ALPN-01 challenge");
        var (response, _) = await TlsEndToEndTests.GetAsync(tls, "app.acme.test");
        using (response) await Assert.That((int)response.StatusCode).IsEqualTo(200);
        // The challenge records were deleted after validation.
        var client = new Rfc2136Client(new Rfc2136Settings(bind.EndPoint, bind.Key, 60, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromSeconds(5)));
        await Assert.That(await client.TxtAsync(bind.EndPoint, "_acme-challenge.app.acme.test.", CancellationToken.None)).IsEmpty();
        await Assert.That(await client.TxtAsync(bind.EndPoint, "_acme-challenge.wild.acme.test.", CancellationToken.None)).IsEmpty();
    }

    /// <summary>The leaf served for <paramref name="sni"/>, and whether the handshake's chain builds to <paramref name="root"/> for that name.</summary>
    private static async Task<(X509Certificate2? Leaf, bool Valid)> ChainAsync(int port, string sni, X509Certificate2 root)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? leaf = null;
        bool valid = false;
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = sni,
            RemoteCertificateValidationCallback = (_, cert, ch, errors) =>
            {
                leaf = X509CertificateLoader.LoadCertificate(cert!.GetRawCertData());
                using var chain = new X509Chain();
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                foreach (var e in ch!.ChainElements.Skip(1)) chain.ChainPolicy.ExtraStore.Add(e.Certificate);
                valid = chain.Build(leaf) && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
                return true;
            },
        });
        return (leaf, valid);
    }
}
