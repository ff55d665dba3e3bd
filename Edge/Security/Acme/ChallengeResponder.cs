using System.Collections.Concurrent;
using System.Net.Security;

namespace Edge.Security.Acme;

/// <summary>A challenge being validated: HTTP-01 (token + domain) or TLS-ALPN-01 (domain), with its key authorization.</summary>
public sealed record PendingChallenge(string Type, string Token, string Domain, string KeyAuthorization)
{
    public const string Http01 = "http-01", TlsAlpn01 = "tls-alpn-01";
}

/// <summary>
/// Where an ordering replica makes its pending challenges visible to the others (the Kubernetes
/// storage: a Secret per challenge that every replica watches). Published before the CA is told to
/// validate, withdrawn afterwards whatever happened.
/// </summary>
public interface IChallengePublisher
{
    Task PublishAsync(PendingChallenge challenge, CancellationToken ct);
    Task WithdrawAsync(PendingChallenge challenge);
}

/// <summary>
/// The challenges being validated, shared by the resolvers that set them and the entry points that
/// answer them: HTTP-01 key authorizations by token (and domain, as Traefik keys them), TLS-ALPN-01
/// certificate contexts by domain. Two sources: the ones this process's resolvers set, and the ones
/// another replica published (<see cref="ReplaceShared"/>), so the replica that receives the CA's
/// validation request need not be the one that ordered. Empty almost always, so the request path checks a count first.
/// </summary>
public sealed class ChallengeResponder
{
    public const string HttpPathPrefix = "/.well-known/acme-challenge/";

    private readonly ConcurrentDictionary<(string Token, string Domain), string> _http = new();
    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _tlsAlpn = new(StringComparer.OrdinalIgnoreCase);
    private volatile Shared _shared = Shared.Empty;

    private sealed record Shared(Dictionary<(string Token, string Domain), string> Http,
        Dictionary<string, (string KeyAuthorization, SslStreamCertificateContext Context)> TlsAlpn)
    {
        public static readonly Shared Empty = new(new(), new(StringComparer.OrdinalIgnoreCase));
    }

    public bool HasHttp => !_http.IsEmpty || _shared.Http.Count > 0;
    public bool HasTlsAlpn => !_tlsAlpn.IsEmpty || _shared.TlsAlpn.Count > 0;

    public void SetHttp(string token, string domain, string keyAuthorization) => _http[(token, domain.ToLowerInvariant())] = keyAuthorization;
    public void RemoveHttp(string token, string domain) => _http.TryRemove((token, domain.ToLowerInvariant()), out _);

    /// <summary>The key authorization for the token in <paramref name="path"/> and the request's host, or null (404).</summary>
    public string? HttpAnswer(string path, string host)
    {
        if (!path.StartsWith(HttpPathPrefix, StringComparison.Ordinal)) return null;
        var token = path[HttpPathPrefix.Length..].TrimEnd('/');
        if (token.Length == 0 || token.Contains('/')) return null;
        var key = (token, host.ToLowerInvariant());
        return _http.TryGetValue(key, out var answer) ? answer : _shared.Http.GetValueOrDefault(key);
    }

    public void SetTlsAlpn(string domain, string keyAuthorization)
    {
        var cert = TlsAlpnCertificate.Create(domain, keyAuthorization);
        _tlsAlpn[domain] = SslStreamCertificateContext.Create(cert, null, offline: true);
    }

    public void RemoveTlsAlpn(string domain) => _tlsAlpn.TryRemove(domain, out _);

    public SslStreamCertificateContext? TlsAlpnCertificateFor(string? serverName)
    {
        if (serverName is not { Length: > 0 }) return null;
        var name = serverName.TrimEnd('.');
        return _tlsAlpn.TryGetValue(name, out var ctx) ? ctx : _shared.TlsAlpn.TryGetValue(name, out var s) ? s.Context : null;
    }

    /// <summary>The challenges other replicas published, as watched now (replaces the previous set; a TLS-ALPN certificate is built once per key authorization).</summary>
    public void ReplaceShared(IEnumerable<PendingChallenge> challenges)
    {
        var previous = _shared;
        var http = new Dictionary<(string, string), string>();
        var tls = new Dictionary<string, (string, SslStreamCertificateContext)>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in challenges)
        {
            if (c.Type == PendingChallenge.Http01) http[(c.Token, c.Domain.ToLowerInvariant())] = c.KeyAuthorization;
            else if (c.Type == PendingChallenge.TlsAlpn01)
            {
                if (previous.TlsAlpn.TryGetValue(c.Domain, out var old) && old.KeyAuthorization == c.KeyAuthorization) tls[c.Domain] = old;
                else tls[c.Domain] = (c.KeyAuthorization, SslStreamCertificateContext.Create(TlsAlpnCertificate.Create(c.Domain, c.KeyAuthorization), null, offline: true));
            }
        }
        _shared = new Shared(http, tls);
    }
}
