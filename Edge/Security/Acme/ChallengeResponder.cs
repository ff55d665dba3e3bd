using System.Collections.Concurrent;
using System.Net.Security;

namespace Edge.Security.Acme;

/// <summary>
/// The challenges being validated, shared by the resolvers that set them and the entry points that
/// answer them: HTTP-01 key authorizations by token (and domain, as Traefik keys them), TLS-ALPN-01
/// certificate contexts by domain. Empty almost always, so the request path checks a count first.
/// </summary>
public sealed class ChallengeResponder
{
    public const string HttpPathPrefix = "/.well-known/acme-challenge/";

    private readonly ConcurrentDictionary<(string Token, string Domain), string> _http = new();
    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _tlsAlpn = new(StringComparer.OrdinalIgnoreCase);

    public bool HasHttp => !_http.IsEmpty;
    public bool HasTlsAlpn => !_tlsAlpn.IsEmpty;

    public void SetHttp(string token, string domain, string keyAuthorization) => _http[(token, domain.ToLowerInvariant())] = keyAuthorization;
    public void RemoveHttp(string token, string domain) => _http.TryRemove((token, domain.ToLowerInvariant()), out _);

    /// <summary>The key authorization for the token in <paramref name="path"/> and the request's host, or null (404).</summary>
    public string? HttpAnswer(string path, string host)
    {
        if (!path.StartsWith(HttpPathPrefix, StringComparison.Ordinal)) return null;
        var token = path[HttpPathPrefix.Length..].TrimEnd('/');
        if (token.Length == 0 || token.Contains('/')) return null;
        return _http.TryGetValue((token, host.ToLowerInvariant()), out var answer) ? answer : null;
    }

    public void SetTlsAlpn(string domain, string keyAuthorization)
    {
        var cert = TlsAlpnCertificate.Create(domain, keyAuthorization);
        _tlsAlpn[domain] = SslStreamCertificateContext.Create(cert, null, offline: true);
    }

    public void RemoveTlsAlpn(string domain) => _tlsAlpn.TryRemove(domain, out _);

    public SslStreamCertificateContext? TlsAlpnCertificateFor(string? serverName) =>
        serverName is { Length: > 0 } && _tlsAlpn.TryGetValue(serverName.TrimEnd('.'), out var ctx) ? ctx : null;
}
