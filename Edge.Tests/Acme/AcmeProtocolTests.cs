using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Edge.DataPlane.Tls;
using Edge.Security.Acme;

namespace Edge.Tests.Acme;

/// <summary>The pieces of RFC 8555 Edge builds on .NET's own crypto: JWS, JWK thumbprints, EAB, CSRs, the TLS-ALPN-01 certificate.</summary>
public class AcmeProtocolTests
{
    private static (JsonElement Header, string Payload, byte[] Signed, byte[] Signature) Open(string jws)
    {
        var j = JsonDocument.Parse(jws).RootElement;
        var p = j.GetProperty("protected").GetString()!;
        var pl = j.GetProperty("payload").GetString()!;
        return (JsonDocument.Parse(Base64Url.Decode(p)).RootElement, Encoding.UTF8.GetString(Base64Url.Decode(pl)),
            Encoding.ASCII.GetBytes(p + "." + pl), Base64Url.Decode(j.GetProperty("signature").GetString()!));
    }

    [Test]
    public async Task Es256_jws_carries_the_jwk_then_the_kid_and_verifies()
    {
        using var key = AcmeAccountKey.NewEc256();
        var (h, payload, signed, sig) = Open(Jws.Sign(key, "https://ca.test/new-acct", "n0nce", null, "{\"termsOfServiceAgreed\":true}"));
        await Assert.That(h.GetProperty("alg").GetString()).IsEqualTo("ES256");
        await Assert.That(h.GetProperty("jwk").GetProperty("crv").GetString()).IsEqualTo("P-256");
        await Assert.That(h.GetProperty("nonce").GetString()).IsEqualTo("n0nce");
        await Assert.That(h.GetProperty("url").GetString()).IsEqualTo("https://ca.test/new-acct");
        await Assert.That(payload).IsEqualTo("{\"termsOfServiceAgreed\":true}");
        await Assert.That(sig.Length).IsEqualTo(64);   // r||s, not DER
        await Assert.That(key.Verify(signed, sig)).IsTrue();

        var (h2, p2, _, _) = Open(Jws.Sign(key, "https://ca.test/order/1", "n1", "https://ca.test/acct/7", ""));
        await Assert.That(h2.GetProperty("kid").GetString()).IsEqualTo("https://ca.test/acct/7");
        await Assert.That(h2.TryGetProperty("jwk", out _)).IsFalse();
        await Assert.That(p2).IsEqualTo("");   // POST-as-GET
    }

    [Test]
    public async Task Rs256_jws_verifies_with_the_public_key_and_the_thumbprint_is_rfc7638()
    {
        using var key = AcmeAccountKey.NewRsa(2048);
        var (h, _, signed, sig) = Open(Jws.Sign(key, "https://ca.test/x", "n", null, "{}"));
        await Assert.That(h.GetProperty("alg").GetString()).IsEqualTo("RS256");
        var jwk = h.GetProperty("jwk");
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = Base64Url.Decode(jwk.GetProperty("n").GetString()!), Exponent = Base64Url.Decode(jwk.GetProperty("e").GetString()!) });
        await Assert.That(rsa.VerifyData(signed, sig, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)).IsTrue();
        // RFC 7638 §3.3: the required members, lexicographic order, no whitespace.
        var canonical = $"{{\"e\":\"{jwk.GetProperty("e").GetString()}\",\"kty\":\"RSA\",\"n\":\"{jwk.GetProperty("n").GetString()}\"}}";
        await Assert.That(key.Thumbprint).IsEqualTo(Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
        await Assert.That(key.KeyAuthorization("tok")).IsEqualTo("tok." + key.Thumbprint);
        // Traefik stores the account key as PKCS#1: it reads back to the same key.
        using var again = AcmeAccountKey.Import(key.ExportPkcs1OrPkcs8());
        await Assert.That(again.Thumbprint).IsEqualTo(key.Thumbprint);
    }

    [Test]
    public async Task External_account_binding_is_an_hs256_jws_of_the_account_jwk()
    {
        using var key = AcmeAccountKey.NewEc256();
        var mac = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef");
        var (h, payload, signed, sig) = Open(Jws.ExternalAccountBinding(key, "kid-1", mac, "https://ca.test/new-acct"));
        await Assert.That(h.GetProperty("alg").GetString()).IsEqualTo("HS256");
        await Assert.That(h.GetProperty("kid").GetString()).IsEqualTo("kid-1");
        await Assert.That(h.GetProperty("url").GetString()).IsEqualTo("https://ca.test/new-acct");
        await Assert.That(payload).IsEqualTo(key.Jwk);
        await Assert.That(sig).IsEquivalentTo(HMACSHA256.HashData(mac, signed));
    }

    [Test]
    [Arguments("EC256")]
    [Arguments("RSA2048")]
    public async Task The_csr_names_every_domain_and_is_signed_by_the_certificate_key(string keyType)
    {
        using var key = CertificateKey.New(keyType);
        var der = key.CreateSigningRequest(["a.example", "b.example"]);
        var req = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);   // verifies the signature
        await Assert.That(req.SubjectName.Name).IsEqualTo("CN=a.example");
        var san = req.CertificateExtensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        await Assert.That(san.EnumerateDnsNames().ToList()).IsEquivalentTo(new[] { "a.example", "b.example" });
        await Assert.That(key.Pem).Contains(keyType.StartsWith("RSA") ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY");
        var noCn = CertificateRequest.LoadSigningRequest(key.CreateSigningRequest(["a.example"], commonName: false), HashAlgorithmName.SHA256);
        await Assert.That(noCn.SubjectName.Name).IsEqualTo("");
    }

    [Test]
    public async Task The_tls_alpn_certificate_carries_the_critical_acme_identifier()
    {
        using var cert = TlsAlpnCertificate.Create("app.example", "tok.thumb");
        var ext = cert.Extensions["1.3.6.1.5.5.7.1.31"]!;
        await Assert.That(ext.Critical).IsTrue();
        await Assert.That(TlsAlpnCertificate.Digest(cert)).IsEquivalentTo(SHA256.HashData(Encoding.UTF8.GetBytes("tok.thumb")));
        await Assert.That(CertificateStoreNames(cert)).IsEquivalentTo(new[] { "app.example" });
    }

    private static List<string> CertificateStoreNames(X509Certificate2 c) => CertificateStore.Names(c);

    [Test]
    [Arguments("acme-tls/1", true)]
    [Arguments("h2", false)]
    public async Task The_alpn_list_of_a_real_client_hello_is_read(string offered, bool acme)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var ssl = new SslStream(client.GetStream());
        _ = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "app.example", ApplicationProtocols = [new SslApplicationProtocol(offered)],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }).ContinueWith(t => t.Exception, TaskScheduler.Default);   // the handshake never completes: only its ClientHello matters
        var buffer = new byte[20000];
        int n = 0;
        var stream = server.GetStream();
        while (ClientHelloAlpn.RecordLength(new ReadOnlySequence<byte>(buffer, 0, n)) is var need && (need is null || n < need))
            n += await stream.ReadAsync(buffer.AsMemory(n));
        await Assert.That(ClientHelloAlpn.Offers(new ReadOnlySequence<byte>(buffer, 0, n), "acme-tls/1")).IsEqualTo(acme);
        await Assert.That(ClientHelloAlpn.Offers(new ReadOnlySequence<byte>(buffer, 0, 20), "acme-tls/1")).IsFalse();   // truncated
        client.Close();
    }

    [Test]
    public async Task Http_challenges_are_answered_by_token_and_host_only()
    {
        var r = new ChallengeResponder();
        r.SetHttp("tok", "App.Example", "tok.thumb");
        await Assert.That(r.HttpAnswer("/.well-known/acme-challenge/tok", "app.example")).IsEqualTo("tok.thumb");
        await Assert.That(r.HttpAnswer("/.well-known/acme-challenge/tok", "other.example")).IsNull();
        await Assert.That(r.HttpAnswer("/.well-known/acme-challenge/nope", "app.example")).IsNull();
        r.RemoveHttp("tok", "app.example");
        await Assert.That(r.HasHttp).IsFalse();
    }
}
