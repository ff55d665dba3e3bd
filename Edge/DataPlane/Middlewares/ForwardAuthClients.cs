using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Edge.Model;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// The HTTP clients forwardAuth calls auth servers with: redirects not followed, 30 s timeout (as
/// Traefik's client), no cookies, no decompression. One client per distinct TLS configuration,
/// shared by every middleware and every configuration generation, so reloads open no new pools.
/// </summary>
internal static class ForwardAuthClients
{
    private static readonly ConcurrentDictionary<string, HttpMessageInvoker> Clients = new(StringComparer.Ordinal);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The client for <paramref name="tls"/> (null: no TLS options), or null with Traefik's error.</summary>
    public static HttpMessageInvoker? For(ClientTlsConfig? tls, out string? error)
    {
        error = null;
        var key = tls is null ? "" : $"{tls.Ca}\n{tls.Cert}\n{tls.Key}\n{tls.InsecureSkipVerify}";
        if (Clients.TryGetValue(key, out var existing)) return existing;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
        };
        if (tls is not null && !Configure(handler, tls, out error))
        {
            handler.Dispose();
            return null;
        }
        var client = new HttpMessageInvoker(handler);
        var added = Clients.GetOrAdd(key, client);
        if (!ReferenceEquals(added, client)) client.Dispose();
        return added;
    }

    private static bool Configure(SocketsHttpHandler handler, ClientTlsConfig config, out string? error) =>
        Edge.Security.ClientTls.TryApply(handler, config.Ca, config.Cert, config.Key, config.InsecureSkipVerify == true, out error);
}
