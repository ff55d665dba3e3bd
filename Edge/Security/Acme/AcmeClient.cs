using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Edge.Security.Acme;

/// <summary>An ACME problem document (RFC 8555 §6.7, RFC 7807) or a protocol failure.</summary>
public sealed class AcmeException(string type, string detail, int status = 0) : Exception(detail.Length > 0 ? $"{detail} ({type})" : type)
{
    public string Type { get; } = type;
    public int Status { get; } = status;
}

/// <summary>The account's view of an order (RFC 8555 §7.1.3).</summary>
public sealed record AcmeOrder(string Url, string Status, IReadOnlyList<string> Authorizations, string Finalize, string? Certificate);

/// <summary>One challenge of an authorization (RFC 8555 §7.1.5).</summary>
public sealed record AcmeChallenge(string Type, string Url, string Token, string Status);

public sealed record AcmeAuthorization(string Domain, bool Wildcard, string Status, IReadOnlyList<AcmeChallenge> Challenges, string? Error);

/// <summary>
/// A client of one ACME directory for one account key (RFC 8555): nonces, the account, orders,
/// authorizations, challenges, finalization and the certificate chain (with its alternates, for
/// preferredChain). JSON is read with JsonDocument and written by hand: no reflection (Native AOT).
/// </summary>
public sealed class AcmeClient(HttpClient http, Uri directoryUrl, AcmeAccountKey key, TimeSpan responseHeaderTimeout)
{
    private const string BadNonce = "urn:ietf:params:acme:error:badNonce";
    private string? _nonce;
    private JsonElement? _directory;

    /// <summary>The account URL (the JWS kid); set by <see cref="RegisterAsync"/> or from storage.</summary>
    public string? AccountUrl { get; set; }

    public AcmeAccountKey Key => key;

    private async Task<JsonElement> DirectoryAsync(CancellationToken ct)
    {
        if (_directory is { } d) return d;
        using var r = await SendAsync(new HttpRequestMessage(HttpMethod.Get, directoryUrl), ct);
        var body = await ReadJsonAsync(r, ct);
        if (body.ValueKind != JsonValueKind.Object) throw new AcmeException("directory", $"{directoryUrl} is not an ACME directory");
        _directory = body;
        return body;
    }

    private async Task<string> EndpointAsync(string name, CancellationToken ct) =>
        (await DirectoryAsync(ct)).TryGetProperty(name, out var v) && v.GetString() is { } s ? s
            : throw new AcmeException("directory", $"the ACME directory has no {name}");

    public async Task<bool> ExternalAccountRequiredAsync(CancellationToken ct) =>
        (await DirectoryAsync(ct)).TryGetProperty("meta", out var meta) && meta.TryGetProperty("externalAccountRequired", out var r) && r.ValueKind == JsonValueKind.True;

    /// <summary>newAccount (RFC 8555 §7.3), agreeing to the terms of service; an existing account for the key is returned as is.</summary>
    public async Task<string> RegisterAsync(string email, string? eabKid, byte[]? eabKey, CancellationToken ct)
    {
        var url = await EndpointAsync("newAccount", ct);
        var payload = new StringBuilder("{\"termsOfServiceAgreed\":true");
        if (email.Length > 0) payload.Append(",\"contact\":[").Append(Jws.Quote("mailto:" + email)).Append(']');
        if (eabKid is not null && eabKey is not null) payload.Append(",\"externalAccountBinding\":").Append(Jws.ExternalAccountBinding(key, eabKid, eabKey, url));
        payload.Append('}');
        using var r = await PostAsync(url, payload.ToString(), useKid: false, ct);
        AccountUrl = r.Headers.Location?.ToString() ?? throw new AcmeException("newAccount", "the CA returned no account URL");
        return AccountUrl;
    }

    public async Task<AcmeOrder> NewOrderAsync(IReadOnlyList<string> domains, string profile, CancellationToken ct)
    {
        var payload = new StringBuilder("{\"identifiers\":[");
        for (int i = 0; i < domains.Count; i++)
            payload.Append(i > 0 ? "," : "").Append("{\"type\":\"dns\",\"value\":").Append(Jws.Quote(domains[i])).Append('}');
        payload.Append(']');
        if (profile.Length > 0) payload.Append(",\"profile\":").Append(Jws.Quote(profile));
        payload.Append('}');
        using var r = await PostAsync(await EndpointAsync("newOrder", ct), payload.ToString(), useKid: true, ct);
        var url = r.Headers.Location?.ToString() ?? throw new AcmeException("newOrder", "the CA returned no order URL");
        return ParseOrder(url, await ReadJsonAsync(r, ct));
    }

    public async Task<AcmeOrder> GetOrderAsync(string url, CancellationToken ct)
    {
        using var r = await PostAsync(url, "", useKid: true, ct);
        return ParseOrder(url, await ReadJsonAsync(r, ct));
    }

    public async Task<AcmeAuthorization> GetAuthorizationAsync(string url, CancellationToken ct)
    {
        using var r = await PostAsync(url, "", useKid: true, ct);
        var j = await ReadJsonAsync(r, ct);
        var challenges = new List<AcmeChallenge>();
        if (j.TryGetProperty("challenges", out var cs))
            foreach (var c in cs.EnumerateArray())
                challenges.Add(new AcmeChallenge(Str(c, "type"), Str(c, "url"), Str(c, "token"), Str(c, "status")));
        string? error = null;
        foreach (var c in challenges.Count > 0 && j.TryGetProperty("challenges", out var all) ? all.EnumerateArray() : default)
            if (c.TryGetProperty("error", out var e)) error = Str(e, "detail") is { Length: > 0 } detail ? detail : Str(e, "type");
        var id = j.TryGetProperty("identifier", out var ident) ? Str(ident, "value") : "";
        return new AcmeAuthorization(id, j.TryGetProperty("wildcard", out var w) && w.ValueKind == JsonValueKind.True, Str(j, "status"), challenges, error);
    }

    /// <summary>Tells the CA the challenge is ready to be validated (an empty JSON object, RFC 8555 §7.5.1).</summary>
    public async Task AnswerChallengeAsync(string url, CancellationToken ct)
    {
        using var r = await PostAsync(url, "{}", useKid: true, ct);
    }

    public async Task<AcmeOrder> FinalizeAsync(AcmeOrder order, byte[] csr, CancellationToken ct)
    {
        using var r = await PostAsync(order.Finalize, $"{{\"csr\":\"{Base64Url.Encode(csr)}\"}}", useKid: true, ct);
        return ParseOrder(order.Url, await ReadJsonAsync(r, ct));
    }

    /// <summary>
    /// The issued chain (PEM, leaf first). With <paramref name="preferredChain"/>, the default chain or
    /// one of its alternates (Link rel="alternate", RFC 8555 §7.4.2) whose top certificate's issuer has
    /// that Common Name, as lego chooses; the default chain when none matches.
    /// </summary>
    public async Task<string> DownloadCertificateAsync(string url, string preferredChain, CancellationToken ct)
    {
        var (pem, alternates) = await DownloadOneAsync(url, ct);
        if (preferredChain.Length == 0 || TopIssuerIs(pem, preferredChain)) return pem;
        foreach (var alt in alternates)
        {
            var (altPem, _) = await DownloadOneAsync(alt, ct);
            if (TopIssuerIs(altPem, preferredChain)) return altPem;
        }
        return pem;
    }

    private async Task<(string Pem, List<string> Alternates)> DownloadOneAsync(string url, CancellationToken ct)
    {
        using var r = await PostAsync(url, "", useKid: true, ct, accept: "application/pem-certificate-chain");
        var pem = await r.Content.ReadAsStringAsync(ct);
        var alternates = new List<string>();
        if (r.Headers.TryGetValues("Link", out var links))
            foreach (var header in links)
                foreach (var link in header.Split(','))
                    if (link.Contains("rel=\"alternate\"", StringComparison.OrdinalIgnoreCase) && link.IndexOf('<') is var a and >= 0 && link.IndexOf('>', a) is var b and > 0)
                        alternates.Add(new Uri(new Uri(url), link[(a + 1)..b]).ToString());
        return (pem, alternates);
    }

    public static bool TopIssuerIs(string pem, string commonName)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pem);
        if (chain.Count == 0) return false;
        return string.Equals(chain[^1].GetNameInfo(X509NameType.SimpleName, forIssuer: true), commonName, StringComparison.Ordinal);
    }

    private static AcmeOrder ParseOrder(string url, JsonElement j)
    {
        var authz = new List<string>();
        if (j.TryGetProperty("authorizations", out var a)) foreach (var x in a.EnumerateArray()) authz.Add(x.GetString() ?? "");
        if (Str(j, "status") == "invalid" && j.TryGetProperty("error", out var e))
            throw new AcmeException(Str(e, "type"), Str(e, "detail"));
        return new AcmeOrder(url, Str(j, "status"), authz, Str(j, "finalize"), j.TryGetProperty("certificate", out var c) ? c.GetString() : null);
    }

    private static string Str(JsonElement j, string name) =>
        j.ValueKind == JsonValueKind.Object && j.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    /// <summary>A signed POST (a POST-as-GET when <paramref name="payload"/> is ""), retried on badNonce as RFC 8555 §6.5 asks.</summary>
    private async Task<HttpResponseMessage> PostAsync(string url, string payload, bool useKid, CancellationToken ct, string accept = "application/json")
    {
        for (int attempt = 0; ; attempt++)
        {
            var nonce = _nonce ?? await NewNonceAsync(ct);
            _nonce = null;
            var kid = useKid ? AccountUrl ?? throw new AcmeException("account", "no ACME account registered") : null;
            var req = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(Jws.Sign(key, url, nonce, kid, payload), Encoding.UTF8),
            };
            req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/jose+json");
            req.Headers.Accept.ParseAdd(accept);
            var r = await SendAsync(req, ct);
            if (r.IsSuccessStatusCode) return r;
            var problem = await ProblemAsync(r, ct);
            r.Dispose();
            if (problem.Type == BadNonce && attempt < 3) continue;
            throw problem;
        }
    }

    private async Task<string> NewNonceAsync(CancellationToken ct)
    {
        using var r = await SendAsync(new HttpRequestMessage(HttpMethod.Head, await EndpointAsync("newNonce", ct)), ct);
        return _nonce ?? throw new AcmeException("newNonce", "the CA returned no Replay-Nonce");
    }

    /// <summary>Sends with clientResponseHeaderTimeout on the headers (HttpClient.Timeout, the clientTimeout, covers the whole exchange).</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage req, CancellationToken ct)
    {
        req.Headers.UserAgent.ParseAdd("edge-acme/1");
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        headers.CancelAfter(responseHeaderTimeout);
        HttpResponseMessage r;
        try { r = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, headers.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AcmeException("timeout", $"no response headers from {req.RequestUri} within {responseHeaderTimeout.TotalSeconds}s");
        }
        finally { req.Dispose(); }
        if (r.Headers.TryGetValues("Replay-Nonce", out var nonces)) _nonce = nonces.FirstOrDefault();
        if (!r.IsSuccessStatusCode && req.Method != HttpMethod.Post)
        {
            var problem = await ProblemAsync(r, ct);
            r.Dispose();
            throw problem;
        }
        return r;
    }

    private static async Task<AcmeException> ProblemAsync(HttpResponseMessage r, CancellationToken ct)
    {
        var text = await r.Content.ReadAsStringAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(text);
            return new AcmeException(Str(doc.RootElement, "type"), Str(doc.RootElement, "detail"), (int)r.StatusCode);
        }
        catch (JsonException)
        {
            return new AcmeException("http " + (int)r.StatusCode, text.Length > 200 ? text[..200] : text, (int)r.StatusCode);
        }
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage r, CancellationToken ct)
    {
        var text = await r.Content.ReadAsStringAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new AcmeException("malformed", $"the CA answered {r.RequestMessage?.RequestUri} with something other than JSON");
        }
    }

    /// <summary>
    /// The HTTP client for a CA: clientTimeout for a whole exchange; with caCertificates, the CA's
    /// certificate must chain to them (and to the system roots too with caSystemCertPool); caServerName
    /// replaces the URL's host in the name check.
    /// </summary>
    public static HttpClient CreateHttpClient(X509Certificate2Collection? roots, bool systemPool, string serverName, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (roots is { Count: > 0 } || serverName.Length > 0)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
            {
                if (cert is null) return false;
                var nameOk = serverName.Length > 0
                    ? (cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData())).MatchesHostname(serverName)
                    : (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
                if (!nameOk) return false;
                if (roots is not { Count: > 0 }) return (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
                if (systemPool && (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == 0) return true;
                using var custom = new X509Chain();
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return CustomRootTrust.ChainBuilds(roots, cert, custom);
            };
        return new HttpClient(handler) { Timeout = timeout };
    }
}
