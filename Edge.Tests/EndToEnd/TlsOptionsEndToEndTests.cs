using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// TLSOption and ServersTransport objects through artifacts/edge, referenced from Ingress
/// annotations as a Traefik user writes them: the handshake a client gets per SNI (minimum
/// version, client certificates), a TLS backend reached through a ServersTransport's CA and server
/// name, and a missing TLSOption failing closed.
/// </summary>
[NotInParallel("edge-e2e")]
public class TlsOptionsEndToEndTests
{
    private const string Prefix = "traefik.ingress.kubernetes.io/";

    private static JsonObject Crd(string kind, string ns, string name, string spec) => K8s.Crd(kind, ns, name, spec);

    private static V1Ingress TlsIngress(string name, string host, string? options, string service = "whoami", int port = 80)
    {
        var annotations = new Dictionary<string, string> { [Prefix + "router.tls"] = "true" };
        if (options is not null) annotations[Prefix + "router.tls.options"] = options;
        return K8s.Ingress("default", name, host, "/", service, port, annotations: annotations);
    }

    private static Task<DataPlaneFixture> StartAsync(Action<Tests.FakeApi.FakeApiServer> seed) =>
        DataPlaneFixture.StartAsync((api, _) => seed(api), "--providers.kubernetescrd");

    /// <summary>A CA, and certificates it signs (server or client usage).</summary>
    private sealed class TestCa : IDisposable
    {
        private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public X509Certificate2 Certificate { get; }

        public TestCa(string name)
        {
            var req = new CertificateRequest("CN=" + name, _key, HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            Certificate = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        }

        public string Pem => Certificate.ExportCertificatePem();

        public X509Certificate2 Issue(string cn, bool client, params string[] dnsNames)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest("CN=" + cn, key, HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid(client ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")], false));
            if (dnsNames.Length > 0)
            {
                var san = new SubjectAlternativeNameBuilder();
                foreach (var n in dnsNames) san.AddDnsName(n);
                req.CertificateExtensions.Add(san.Build());
            }
            var serial = RandomNumberGenerator.GetBytes(8);
            using var cert = req.Create(Certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), serial);
            using var withKey = cert.CopyWithPrivateKey(key);
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }

        public void Dispose() { Certificate.Dispose(); _key.Dispose(); }
    }

    private static V1Secret CaSecret(string name, string pem) => new()
    {
        ApiVersion = "v1", Kind = "Secret", Metadata = new() { Name = name, NamespaceProperty = "default" },
        Data = new Dictionary<string, byte[]> { ["ca.crt"] = Encoding.UTF8.GetBytes(pem) },
    };

    /// <summary>
    /// A TLS connection to edge with this SNI and protocols (and client certificate), then GET /:
    /// the status code, or null when the handshake or the request was refused.
    /// </summary>
    private static async Task<int?> TlsGetAsync(int port, string host, SslProtocols protocols, X509Certificate2? clientCert = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        await using var ssl = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                EnabledSslProtocols = protocols,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
                ClientCertificates = clientCert is null ? null : new X509CertificateCollection { clientCert },
                LocalCertificateSelectionCallback = clientCert is null ? null : (_, _, _, _, _) => clientCert,
            });
            await ssl.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
            var buffer = new byte[64];
            int read = await ssl.ReadAsync(buffer);
            var line = Encoding.ASCII.GetString(buffer, 0, read);
            return line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(line.AsSpan(9, 3)) : null;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            // TLS 1.3 lets the client finish before the server has checked its certificate: the refusal shows on the first read.
            return null;
        }
    }

    [Test]
    public async Task A_TLSOption_with_minVersion_TLS13_refuses_TLS12_for_its_host_while_the_default_accepts_it()
    {
        await using var f = await StartAsync(api =>
        {
            api.UpsertJson(Crd("TLSOption", "default", "modern", """{"minVersion":"VersionTLS13"}"""));
            api.Upsert(TlsIngress("modern", "modern.example.com", "default-modern@kubernetescrd"));
            api.Upsert(TlsIngress("plain", "plain.example.com", null));
        });
        var port = f.Edge.WebPort;
        await Eventually.UntilAsync(async () => await TlsGetAsync(port, "modern.example.com", SslProtocols.Tls13) == 200,
            TimeSpan.FromSeconds(10), () => "modern.example.com never served over TLS 1.3; edge output:\n" + f.Edge.Output);
        await Assert.That(await TlsGetAsync(port, "modern.example.com", SslProtocols.Tls12)).IsNull().Because("minVersion VersionTLS13");
        await Assert.That(await TlsGetAsync(port, "plain.example.com", SslProtocols.Tls12)).IsEqualTo(200).Because("the default options accept TLS 1.2");

        // Traefik's snicheck: the connection was accepted under the default options (SNI plain), the Host's router wants modern.
        using var misdirected = new TcpClient();
        await misdirected.ConnectAsync("127.0.0.1", port);
        await using var ssl = new SslStream(misdirected.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "plain.example.com", ApplicationProtocols = [SslApplicationProtocol.Http11] });
        await ssl.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: modern.example.com\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[64];
        var line = Encoding.ASCII.GetString(buffer, 0, await ssl.ReadAsync(buffer));
        await Assert.That(line).StartsWith("HTTP/1.1 421");
    }

    [Test]
    public async Task Client_certificates_are_required_and_verified_against_the_CA_Secret()
    {
        using var ca = new TestCa("edge test client CA");
        using var other = new TestCa("someone else");
        using var good = ca.Issue("alice", client: true);
        using var foreign = other.Issue("mallory", client: true);
        await using var f = await StartAsync(api =>
        {
            api.Upsert(CaSecret("client-ca", ca.Pem));
            api.UpsertJson(Crd("TLSOption", "default", "mtls", """{"clientAuth":{"secretNames":["client-ca"],"clientAuthType":"RequireAndVerifyClientCert"}}"""));
            api.Upsert(TlsIngress("mtls", "mtls.example.com", "default-mtls@kubernetescrd"));
        });
        var port = f.Edge.WebPort;
        await Eventually.UntilAsync(async () => await TlsGetAsync(port, "mtls.example.com", SslProtocols.Tls12, good) == 200,
            TimeSpan.FromSeconds(10), () => "mtls.example.com never served with a client certificate; edge output:\n" + f.Edge.Output);
        int before = f.BackendRequests;
        foreach (var protocol in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            await Assert.That(await TlsGetAsync(port, "mtls.example.com", protocol)).IsNull().Because($"no client certificate ({protocol})");
            await Assert.That(await TlsGetAsync(port, "mtls.example.com", protocol, foreign)).IsNull().Because($"a certificate of another CA ({protocol})");
            await Assert.That(await TlsGetAsync(port, "mtls.example.com", protocol, good)).IsEqualTo(200);
        }
        await Assert.That(f.BackendRequests).IsEqualTo(before + 2).Because("only the verified clients reached the backend");
    }

    [Test]
    public async Task A_ServersTransport_with_rootCAs_and_serverName_reaches_a_TLS_backend_the_default_transport_refuses()
    {
        using var ca = new TestCa("edge test backend CA");
        using var backendCert = ca.Issue("backend", client: false, "backend.internal");
        await using var backend = await EchoBackend.StartAsync("tls", "127.0.0.4", tls: backendCert);
        await using var f = await StartAsync(api =>
        {
            api.Upsert(CaSecret("backend-ca", ca.Pem));
            api.UpsertJson(Crd("ServersTransport", "default", "internal", """{"serverName":"backend.internal","rootCAs":[{"secret":"backend-ca"}]}"""));
            api.Upsert(K8s.Service("default", "secure", 443, "https",
                new Dictionary<string, string> { [Prefix + "service.serverstransport"] = "default-internal@kubernetescrd" }));
            api.Upsert(K8s.Slice("default", "secure", backend.Port, "https", "127.0.0.4"));
            api.Upsert(K8s.Service("default", "untrusted", 443, "https"));
            api.Upsert(K8s.Slice("default", "untrusted", backend.Port, "https", "127.0.0.4"));
            api.Upsert(K8s.Ingress("default", "secure", "secure.example.com", "/", "secure", 443));
            api.Upsert(K8s.Ingress("default", "untrusted", "untrusted.example.com", "/", "untrusted", 443));
        });
        await f.WaitForRouteAsync("secure.example.com", "/");
        using (var ok = await f.SendAsync("secure.example.com", "/"))
        {
            await Assert.That((int)ok.StatusCode).IsEqualTo(200);
            var seen = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
            await Assert.That((string?)seen["backend"]).IsEqualTo("tls");
        }
        int before = backend.Requests;
        await f.WaitForRouteAsync("untrusted.example.com", "/");
        using var refused = await f.SendAsync("untrusted.example.com", "/");
        await Assert.That((int)refused.StatusCode).IsEqualTo(502).Because("default@internal does not trust the backend's CA");
        await Assert.That(backend.Requests).IsEqualTo(before).Because("the handshake failed before any request");
    }

    [Test]
    public async Task A_missing_TLSOption_keeps_the_router_in_error_and_out_of_service()
    {
        await using var f = await StartAsync(api =>
        {
            api.Upsert(TlsIngress("orphan", "orphan.example.com", "default-missing@kubernetescrd"));
            api.Upsert(TlsIngress("fine", "fine.example.com", null));
        });
        var port = f.Edge.WebPort;
        await Eventually.UntilAsync(async () => await TlsGetAsync(port, "fine.example.com", SslProtocols.Tls12) == 200,
            TimeSpan.FromSeconds(10), () => "fine.example.com never served; edge output:\n" + f.Edge.Output);
        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        var router = raw["routers"]!.AsObject().Single(kv => kv.Key.Contains("orphan", StringComparison.Ordinal)).Value!;
        await Assert.That((string?)router["status"]).IsEqualTo("disabled");
        await Assert.That(router["error"]!.AsArray().Select(e => (string?)e).ToList()).Contains("unknown TLS options: default-missing@kubernetescrd");
        int before = f.BackendRequests;
        await Assert.That(await TlsGetAsync(port, "orphan.example.com", SslProtocols.Tls12)).IsNotEqualTo(200);
        await Assert.That(f.BackendRequests).IsEqualTo(before);
    }

    [Test]
    public async Task A_ServersTransport_presents_its_client_certificate_to_a_backend_that_requires_one()
    {
        using var ca = new TestCa("edge test mtls CA");
        using var backendCert = ca.Issue("backend", client: false, "backend.internal");
        using var clientCert = ca.Issue("edge-client", client: true);
        await using var backend = await EchoBackend.StartAsync("mtls", "127.0.0.5", tls: backendCert, requireClientCertificate: true);
        var clientSecret = TlsEndToEndTests.TlsSecret("default", "edge-client",
            (clientCert.ExportCertificatePem(), clientCert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()));
        await using var f = await StartAsync(api =>
        {
            api.Upsert(CaSecret("backend-ca", ca.Pem));
            api.Upsert(clientSecret);
            api.UpsertJson(Crd("ServersTransport", "default", "mtls",
                """{"serverName":"backend.internal","rootCAs":[{"secret":"backend-ca"}],"certificatesSecrets":["edge-client"]}"""));
            api.UpsertJson(Crd("ServersTransport", "default", "nocert", """{"serverName":"backend.internal","rootCAs":[{"secret":"backend-ca"}]}"""));
            foreach (var (svc, transport) in new[] { ("withcert", "default-mtls@kubernetescrd"), ("nocert", "default-nocert@kubernetescrd") })
            {
                api.Upsert(K8s.Service("default", svc, 443, "https", new Dictionary<string, string> { [Prefix + "service.serverstransport"] = transport }));
                api.Upsert(K8s.Slice("default", svc, backend.Port, "https", "127.0.0.5"));
                api.Upsert(K8s.Ingress("default", svc, svc + ".example.com", "/", svc, 443));
            }
        });
        await f.WaitForRouteAsync("withcert.example.com", "/");
        using (var ok = await f.SendAsync("withcert.example.com", "/"))
        {
            await Assert.That((int)ok.StatusCode).IsEqualTo(200);
            var seen = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
            await Assert.That((string?)seen["clientCert"]).IsEqualTo("CN=edge-client");
        }
        await f.WaitForRouteAsync("nocert.example.com", "/");
        using var refused = await f.SendAsync("nocert.example.com", "/");
        await Assert.That((int)refused.StatusCode).IsEqualTo(502).Because("the backend requires a client certificate");
    }
}
