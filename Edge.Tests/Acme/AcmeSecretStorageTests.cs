using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Configuration;
using Edge.Providers.Acme;
using Edge.Providers.Kubernetes.Client;
using Edge.Security.Acme;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.Acme;

/// <summary>
/// The Kubernetes storage for several replicas: how the account, a certificate and a pending
/// challenge map to Secrets (as the API server stores them, JSON with base64 data) and back; and two
/// stores against one fake API server, where only the leader writes and the other replica sees the
/// certificates and answers the published challenge.
/// </summary>
public class AcmeSecretStorageTests
{
    private static (string Cert, string Key) SelfSigned(string name)
    {
        using var k = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=" + name, k, HashAlgorithmName.SHA256);
        using var c = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        return (c.ExportCertificatePem() + "\n", k.ExportECPrivateKeyPem() + "\n");
    }

    /// <summary>Through the wire format: what the API server would store and give back.</summary>
    private static V1Secret RoundTrip(V1Secret s) =>
        JsonSerializer.Deserialize(JsonSerializer.Serialize(s, KubeJsonContext.Default.V1Secret), KubeJsonContext.Default.V1Secret)!;

    [Test]
    public async Task A_certificate_is_a_kubernetes_tls_secret_naming_resolver_and_domains_and_reads_back()
    {
        var (cert, key) = SelfSigned("a.example.com");
        var record = new AcmeCertificateRecord("a.example.com", ["b.example.com"], cert, key);
        var secret = AcmeSecretMapping.ToSecret("edge-acme", "le", record);
        var json = JsonNode.Parse(JsonSerializer.Serialize(secret, KubeJsonContext.Default.V1Secret))!;
        await Assert.That((string?)json["type"]).IsEqualTo("kubernetes.io/tls");
        await Assert.That((string?)json["metadata"]!["namespace"]).IsEqualTo("edge-acme");
        await Assert.That(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)json["data"]!["tls.crt"]!))).IsEqualTo(cert);
        await Assert.That(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)json["data"]!["tls.key"]!))).IsEqualTo(key);
        await Assert.That((string?)json["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]).IsEqualTo("edge-acme");
        await Assert.That((string?)json["metadata"]!["labels"]!["edge.acme/resolver"]).IsEqualTo("le");
        await Assert.That((string?)json["metadata"]!["annotations"]!["edge.acme/domains"]).IsEqualTo("a.example.com,b.example.com");

        var back = AcmeSecretMapping.CertificateOf(RoundTrip(secret))!;
        await Assert.That(back.Main).IsEqualTo("a.example.com");
        await Assert.That(back.Sans).IsEquivalentTo(new[] { "b.example.com" });
        await Assert.That(back.CertificatePem).IsEqualTo(cert);
        await Assert.That(back.KeyPem).IsEqualTo(key);
        await Assert.That(back.Store).IsEqualTo("default");
        await Assert.That(AcmeSecretMapping.ResolverOf(RoundTrip(secret))).IsEqualTo("le");
    }

    [Test]
    public async Task Names_are_valid_stable_for_a_renewal_and_distinct_per_resolver_and_domains()
    {
        var one = AcmeSecretMapping.CertificateName("My_Resolver", ["a.example.com", "b.example.com"]);
        await Assert.That(AcmeSecretMapping.CertificateName("My_Resolver", ["B.example.com", "a.example.com"])).IsEqualTo(one);
        await Assert.That(AcmeSecretMapping.CertificateName("other", ["a.example.com", "b.example.com"])).IsNotEqualTo(one);
        await Assert.That(AcmeSecretMapping.CertificateName("My_Resolver", ["a.example.com"])).IsNotEqualTo(one);
        foreach (var name in new[] { one, AcmeSecretMapping.AccountName("My_Resolver"), AcmeSecretMapping.ChallengeName(new("http-01", "tok", "a.example.com", "k")) })
            await Assert.That(System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") && name.Length <= 63).IsTrue().Because(name);
    }

    [Test]
    public async Task The_account_and_a_challenge_read_back_and_incomplete_secrets_are_ignored()
    {
        using var rsa = RSA.Create(2048);
        var account = new AcmeAccountRecord("ops@example.com", "https://ca.test/acct/7", new JsonObject { ["status"] = "valid" }, rsa.ExportRSAPrivateKey());
        var a = AcmeSecretMapping.AccountOf(RoundTrip(AcmeSecretMapping.ToSecret("ns", "le", account)))!;
        await Assert.That(a.Email).IsEqualTo("ops@example.com");
        await Assert.That(a.Uri).IsEqualTo("https://ca.test/acct/7");
        await Assert.That(a.PrivateKey).IsEquivalentTo(account.PrivateKey);
        await Assert.That((string?)a.Body!["status"]).IsEqualTo("valid");

        var challenge = new PendingChallenge(PendingChallenge.Http01, "tok-1", "a.example.com", "tok-1.thumb");
        await Assert.That(AcmeSecretMapping.ChallengeOf(RoundTrip(AcmeSecretMapping.ToSecret("ns", challenge)))).IsEqualTo(challenge);

        var empty = AcmeSecretMapping.ToSecret("ns", "le", new AcmeCertificateRecord("a.example.com", [], "", ""));
        await Assert.That(AcmeSecretMapping.CertificateOf(RoundTrip(empty))).IsNull();
        var notOurs = new V1Secret { Type = "kubernetes.io/tls", Metadata = new V1ObjectMeta { Name = "x" }, Data = new Dictionary<string, byte[]> { ["tls.crt"] = [1] } };
        await Assert.That(AcmeSecretMapping.CertificateOf(notOurs)).IsNull();
        await Assert.That(AcmeSecretMapping.ChallengeOf(notOurs)).IsNull();
    }

    [Test]
    public async Task Only_the_leader_writes_and_the_other_replica_serves_its_certificates_and_answers_its_challenges()
    {
        await using var api = await FakeApiServer.StartAsync();
        using var kube = new KubeApi(KubeClientFactory.BuildConfiguration(new ProviderOptions { Endpoint = api.Url }, _ => null));
        using var stop = new CancellationTokenSource();
        var leaderResponder = new ChallengeResponder();
        var followerResponder = new ChallengeResponder();
        var leader = new AcmeSecretStore("", leaderResponder);
        var follower = new AcmeSecretStore("edge-acme", followerResponder);
        leader.Attach(kube, () => true, "edge-acme");   // empty namespace: the Lease's
        follower.Attach(kube, () => false, "ignored");
        var loops = new[] { leader.RunAsync(stop.Token), follower.RunAsync(stop.Token) };
        await Eventually.UntilAsync(() => leader.Ready && follower.Ready, TimeSpan.FromSeconds(10), "both listed");

        var (cert, key) = SelfSigned("a.example.com");
        var record = new AcmeCertificateRecord("a.example.com", [], cert, key);
        await Assert.That(async () => await follower.SaveAsync("le", null, [record], CancellationToken.None)).Throws<AcmeStorageException>();
        await Assert.That(api.List<V1Secret>("edge-acme").Count).IsEqualTo(0);

        await leader.SaveAsync("le", null, [record], CancellationToken.None);
        var stored = api.Get<V1Secret>("edge-acme", AcmeSecretMapping.CertificateName("le", ["a.example.com"]))!;
        await Assert.That(stored.Type).IsEqualTo("kubernetes.io/tls");
        await Eventually.UntilAsync(() => follower.Load("le").Certificates.Count == 1, TimeSpan.FromSeconds(10), "follower sees the certificate");
        await Assert.That(follower.Load("le").Certificates[0].CertificatePem).IsEqualTo(cert);
        await Assert.That(follower.Load("other").Certificates.Count).IsEqualTo(0);

        // A challenge the leader publishes is answered by the other replica, and withdrawn after.
        var challenge = new PendingChallenge(PendingChallenge.Http01, "tok-9", "a.example.com", "tok-9.thumb");
        await leader.PublishAsync(challenge, CancellationToken.None);
        await Assert.That(followerResponder.HttpAnswer("/.well-known/acme-challenge/tok-9", "a.example.com")).IsEqualTo("tok-9.thumb");
        await Assert.That(followerResponder.HttpAnswer("/.well-known/acme-challenge/tok-9", "b.example.com")).IsNull();
        await leader.WithdrawAsync(challenge);
        await Eventually.UntilAsync(() => followerResponder.HttpAnswer("/.well-known/acme-challenge/tok-9", "a.example.com") is null,
            TimeSpan.FromSeconds(10), "challenge withdrawn");
        await Assert.That(api.Get<V1Secret>("edge-acme", AcmeSecretMapping.ChallengeName(challenge))).IsNull();

        // A certificate no longer held is deleted; an unchanged one is not rewritten.
        api.ClearRequests();
        await leader.SaveAsync("le", null, [record], CancellationToken.None);
        await Assert.That(api.Requests.Count(r => r.Method is "PUT" or "POST")).IsEqualTo(0);
        await leader.SaveAsync("le", null, [], CancellationToken.None);
        await Assert.That(api.List<V1Secret>("edge-acme").Count).IsEqualTo(0);
        stop.Cancel();
        await Task.WhenAll(loops);
    }

    [Test]
    public async Task A_shared_tls_alpn_challenge_is_answered_with_the_acme_identifier_certificate_until_withdrawn()
    {
        var responder = new ChallengeResponder();
        await Assert.That(responder.HasTlsAlpn).IsFalse();
        responder.ReplaceShared([new PendingChallenge(PendingChallenge.TlsAlpn01, "tok", "a.example.com", "tok.thumb")]);
        await Assert.That(responder.HasTlsAlpn).IsTrue();
        var ctx = responder.TlsAlpnCertificateFor("A.example.com.");
        await Assert.That(ctx).IsNotNull();
        // RFC 8737: the critical acmeIdentifier extension (1.3.6.1.5.5.7.1.31) holds SHA-256 of the key authorization.
        var ext = ctx!.TargetCertificate.Extensions.Cast<X509Extension>().Single(e => e.Oid?.Value == "1.3.6.1.5.5.7.1.31");
        await Assert.That(ext.Critical).IsTrue();
        await Assert.That(ext.RawData[^32..]).IsEquivalentTo(SHA256.HashData("tok.thumb"u8.ToArray()));
        await Assert.That(responder.TlsAlpnCertificateFor("b.example.com")).IsNull();
        responder.ReplaceShared([]);
        await Assert.That(responder.TlsAlpnCertificateFor("a.example.com")).IsNull();
        await Assert.That(responder.HasTlsAlpn).IsFalse();
    }
}
