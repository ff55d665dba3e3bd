using System.Security.Cryptography.X509Certificates;
using Edge.Security.Acme.Dns;

namespace Edge.Security.Acme;

/// <summary>What a resolver asks of an order: its challenges and the certificate's shape.</summary>
public sealed record OrderSettings(
    bool HttpChallenge, TimeSpan HttpDelay, bool TlsChallenge, TimeSpan TlsDelay,
    string KeyType, string Profile, string PreferredChain, bool CommonName, IReadOnlyList<string> EmailAddresses,
    TimeSpan ValidationTimeout, TimeSpan CertificateTimeout, Dns01Settings? Dns = null);

/// <summary>An issued certificate: the chain (leaf first) and its key, both PEM.</summary>
public sealed record ObtainedCertificate(string CertificatePem, string KeyPem, DateTime NotAfter);

/// <summary>
/// One certificate obtained end to end (RFC 8555 §7.4): the order, each pending authorization
/// solved with DNS-01 when dnsChallenge is configured (preferred then, as Traefik sets up lego with only that solver), else HTTP-01 (preferred, as lego tries it first) or TLS-ALPN-01 through the shared
/// <see cref="ChallengeResponder"/> (and published to the other replicas when a publisher is given), the CSR finalized, the chain downloaded. Challenges are always
/// withdrawn afterwards, whatever happened.
/// </summary>
public static class AcmeOrderFlow
{
    public static async Task<ObtainedCertificate> ObtainAsync(AcmeClient client, IReadOnlyList<string> domains, OrderSettings s,
        ChallengeResponder responder, CancellationToken ct, IChallengePublisher? publisher = null)
    {
        var order = await client.NewOrderAsync(domains, s.Profile, ct);
        foreach (var url in order.Authorizations)
            await AuthorizeAsync(client, url, s, responder, publisher, ct);

        using var key = CertificateKey.New(s.KeyType);
        order = await client.FinalizeAsync(order, key.CreateSigningRequest(domains, s.CommonName, s.EmailAddresses), ct);
        var deadline = DateTime.UtcNow + s.CertificateTimeout;
        while (order.Status is "processing" or "pending" or "ready")
        {
            if (DateTime.UtcNow > deadline) throw new AcmeException("timeout", $"the order for {string.Join(",", domains)} was not issued within {s.CertificateTimeout.TotalSeconds}s (certificateTimeout)");
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            order = await client.GetOrderAsync(order.Url, ct);
        }
        if (order.Status != "valid" || order.Certificate is null)
            throw new AcmeException("order", $"the order for {string.Join(",", domains)} ended {order.Status}");
        var pem = await client.DownloadCertificateAsync(order.Certificate, s.PreferredChain, ct);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pem);
        if (chain.Count == 0) throw new AcmeException("certificate", "the CA returned no certificate");
        return new ObtainedCertificate(pem, key.Pem, chain[0].NotAfter.ToUniversalTime());
    }

    private static async Task AuthorizeAsync(AcmeClient client, string url, OrderSettings s, ChallengeResponder responder, IChallengePublisher? publisher,
        CancellationToken ct)
    {
        var authz = await client.GetAuthorizationAsync(url, ct);
        if (authz.Status == "valid") return;
        if (authz.Status != "pending") throw new AcmeException("authorization", $"authorization for {authz.Domain} is {authz.Status}");
        if (s.Dns is { } dns && authz.Challenges.FirstOrDefault(c => c.Type == "dns-01") is { } dnsChallenge)
        {
            await AuthorizeDnsAsync(client, url, authz.Domain, dnsChallenge, new Dns01Solver(dns), s, ct);
            return;
        }
        var http = s.HttpChallenge ? authz.Challenges.FirstOrDefault(c => c.Type == "http-01") : null;
        var tls = http is null && s.TlsChallenge ? authz.Challenges.FirstOrDefault(c => c.Type == "tls-alpn-01") : null;
        var challenge = http ?? tls ?? throw new AcmeException("unsupportedChallenge",
            $"the CA offers {string.Join(", ", authz.Challenges.Select(c => c.Type))} for {authz.Domain}, none of the configured challenges");
        var keyAuthorization = client.Key.KeyAuthorization(challenge.Token);
        if (http is not null) responder.SetHttp(http.Token, authz.Domain, keyAuthorization);
        else responder.SetTlsAlpn(authz.Domain, keyAuthorization);
        var pending = new PendingChallenge(challenge.Type, challenge.Token, authz.Domain, keyAuthorization);
        try
        {
            // Published where every replica answers it before the CA is told to validate.
            if (publisher is not null) await publisher.PublishAsync(pending, ct);
            var delay = http is not null ? s.HttpDelay : s.TlsDelay;
            if (delay > TimeSpan.Zero) await Task.Delay(delay, ct);
            await ValidateAsync(client, url, challenge, authz.Domain, s, ct);
        }
        finally
        {
            if (http is not null) responder.RemoveHttp(http.Token, authz.Domain);
            else responder.RemoveTlsAlpn(authz.Domain);
            if (publisher is not null) await publisher.WithdrawAsync(pending);
        }
    }

    private static async Task AuthorizeDnsAsync(AcmeClient client, string url, string domain, AcmeChallenge challenge, Dns01Solver solver, OrderSettings s, CancellationToken ct)
    {
        var record = await WrapDns(() => solver.PresentAsync(domain, client.Key.KeyAuthorization(challenge.Token), ct), domain);
        try { await ValidateAsync(client, url, challenge, domain, s, ct); }
        finally
        {
            // The record goes whatever happened (a failed clean-up only costs a stale TXT record).
            try { await solver.CleanUpAsync(record, CancellationToken.None); }
            catch (DnsException) { }
        }
    }

    private static async Task<T> WrapDns<T>(Func<Task<T>> f, string domain)
    {
        try { return await f(); }
        catch (DnsException e) { throw new AcmeException("dns", $"dns-01 challenge for {domain} (rfc2136): {e.Message}"); }
    }

    private static async Task ValidateAsync(AcmeClient client, string url, AcmeChallenge challenge, string domain, OrderSettings s, CancellationToken ct)
    {
        await client.AnswerChallengeAsync(challenge.Url, ct);
        var deadline = DateTime.UtcNow + s.ValidationTimeout;
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
            var authz = await client.GetAuthorizationAsync(url, ct);
            if (authz.Status == "valid") return;
            if (authz.Status is "invalid" or "deactivated" or "expired" or "revoked")
                throw new AcmeException("authorization", $"{challenge.Type} challenge for {domain} failed: {authz.Error ?? authz.Status}");
            if (DateTime.UtcNow > deadline) throw new AcmeException("timeout", $"{challenge.Type} challenge for {domain} was not validated within {s.ValidationTimeout.TotalSeconds}s");
        }
    }
}
