using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>TLS termination through artifacts/edge: SNI selection, default certificate, HTTP/2 by ALPN, rotation.</summary>
[NotInParallel("edge-e2e")]
public class TlsEndToEndTests
{
    public static (string Cert, string Key) SelfSigned(string cn, params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=" + cn, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in dnsNames) san.AddDnsName(n);
        req.CertificateExtensions.Add(san.Build());
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    public static V1Secret TlsSecret(string ns, string name, (string Cert, string Key) pem) => new()
    {
        ApiVersion = "v1", Kind = "Secret", Type = "kubernetes.io/tls",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.UTF8.GetBytes(pem.Cert), ["tls.key"] = Encoding.UTF8.GetBytes(pem.Key) },
    };

    /// <summary>An HTTPS request to 127.0.0.1:port with the given SNI; returns the response and the served certificate's subject.</summary>
    public static async Task<(HttpResponseMessage Response, string Subject)> GetAsync(int port, string host, string path = "/", Version? version = null)
    {
        string subject = "";
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await s.ConnectAsync(IPAddress.Loopback, port, ct);
                return new NetworkStream(s, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) => { subject = cert?.Subject ?? ""; return true; },
            },
        };
        using var client = new HttpClient(handler);
        var req = new HttpRequestMessage(HttpMethod.Get, $"https://{host}:{port}{path}")
        {
            Version = version ?? HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var resp = await client.SendAsync(req);
        await resp.Content.LoadIntoBufferAsync();
        return (resp, subject);
    }

    [Test]
    public async Task Sni_selects_the_ingress_certificate_and_http2_is_negotiated()
    {
        var secure = SelfSigned("secure.example.com", "secure.example.com");
        var wild = SelfSigned("wild", "*.wild.example.com");
        var tlsAnnotation = new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.tls"] = "true" };
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(TlsSecret("default", "secure-cert", secure));
            api.Upsert(TlsSecret("default", "wild-cert", wild));
            api.Upsert(K8s.Ingress("default", "secure", "secure.example.com", "/", "whoami", 80, annotations: tlsAnnotation, secret: "secure-cert"));
            api.Upsert(K8s.Ingress("default", "wild", "*.wild.example.com", "/", "whoami", 80, annotations: tlsAnnotation, secret: "wild-cert"));
        });
        await f.Edge.WaitForRawDataAsync(r => r.Contains("default-wild-wild-example-com@kubernetes"));
        var port = f.Edge.WebPort;

        var r = await Eventually.UntilAsync(() => GetAsync(port, "secure.example.com"), r => r.Response.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(5), r => $"secure.example.com answered {r.Response.StatusCode}");
        await Assert.That(r.Response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(r.Subject).IsEqualTo("CN=secure.example.com");

        var h2 = await GetAsync(port, "secure.example.com", "/", HttpVersion.Version20);
        await Assert.That(h2.Response.Version).IsEqualTo(HttpVersion.Version20);
        await Assert.That(h2.Response.StatusCode).IsEqualTo(HttpStatusCode.OK);

        var w = await GetAsync(port, "a.wild.example.com");
        await Assert.That(w.Subject).IsEqualTo("CN=wild");
        await Assert.That(w.Response.StatusCode).IsEqualTo(HttpStatusCode.OK);

        var unknown = await GetAsync(port, "unknown.example.org");
        await Assert.That(unknown.Subject).IsEqualTo("CN=TRAEFIK DEFAULT CERT");
        await Assert.That(unknown.Response.StatusCode).IsEqualTo(HttpStatusCode.NotFound);

        // A TLS router is not served on plain HTTP.
        using var plain = await f.SendAsync("secure.example.com", "/");
        await Assert.That(plain.StatusCode).IsEqualTo(HttpStatusCode.NotFound);

        // Rotation: a new certificate in the same Secret is served without a restart.
        var rotated = SelfSigned("secure-rotated", "secure.example.com");
        f.Api.Upsert(TlsSecret("default", "secure-cert", rotated));
        r = await Eventually.UntilAsync(() => GetAsync(port, "secure.example.com"), r => r.Subject == "CN=secure-rotated",
            TimeSpan.FromSeconds(5), r => $"secure.example.com still offers {r.Subject}");
        await Assert.That(r.Subject).IsEqualTo("CN=secure-rotated");
    }

    [Test]
    public async Task Broken_pem_is_logged_with_the_secret_and_other_certificates_still_work()
    {
        var good = SelfSigned("good.example.com", "good.example.com");
        var tlsAnnotation = new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.tls"] = "true" };
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(TlsSecret("default", "good-cert", good));
            api.Upsert(TlsSecret("default", "broken-cert", ("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", "junk")));
            api.Upsert(K8s.Ingress("default", "good", "good.example.com", "/", "whoami", 80, annotations: tlsAnnotation, secret: "good-cert"));
            api.Upsert(K8s.Ingress("default", "broken", "broken.example.com", "/", "whoami", 80, annotations: tlsAnnotation, secret: "broken-cert"));
        }, "--log.level=INFO");
        await f.Edge.WaitForRawDataAsync(r => r.Contains("default-broken-broken-example-com@kubernetes"));
        var r = await GetAsync(f.Edge.WebPort, "good.example.com");
        await Assert.That(r.Subject).IsEqualTo("CN=good.example.com");
        var b = await GetAsync(f.Edge.WebPort, "broken.example.com");
        await Assert.That(b.Subject).IsEqualTo("CN=TRAEFIK DEFAULT CERT");
        await Assert.That(f.Edge.Output).Contains("default/broken-cert");
    }
}
