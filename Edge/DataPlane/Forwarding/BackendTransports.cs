using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Edge.Configuration;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// The pooled HTTP clients to backends: one SocketsHttpHandler for HTTP/1.1 and TLS backends and one
/// for h2c, each keeping its own connection pool per backend address. Shared by every route table
/// generation, so a configuration swap never drops warm connections.
/// </summary>
public sealed class BackendTransports : IDisposable
{
    private readonly HttpMessageInvoker _http;
    private readonly HttpMessageInvoker _h2c;
    public TimeSpan ResponseHeaderTimeout { get; }

    public BackendTransports(ServersTransportOptions options)
    {
        ResponseHeaderTimeout = options.ResponseHeaderTimeout;
        X509Certificate2Collection? roots = null;
        if (options.RootCAs.Count > 0)
        {
            roots = new X509Certificate2Collection();
            foreach (var path in options.RootCAs) roots.ImportFromPemFile(path);
        }
        _http = new HttpMessageInvoker(Create(options, roots), disposeHandler: true);
        var h2 = Create(options, roots);
        h2.EnableMultipleHttp2Connections = true;
        _h2c = new HttpMessageInvoker(h2, disposeHandler: true);
    }

    /// <summary>Both transports through one handler: for in-process tests of the forwarder (a handler that fails on cue).</summary>
    internal BackendTransports(HttpMessageHandler handler, TimeSpan responseHeaderTimeout)
    {
        ResponseHeaderTimeout = responseHeaderTimeout;
        _http = _h2c = new HttpMessageInvoker(handler, disposeHandler: false);
    }

    private static SocketsHttpHandler Create(ServersTransportOptions o, X509Certificate2Collection? roots)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = o.DialTimeout > TimeSpan.Zero ? o.DialTimeout : Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = o.IdleConnTimeout,
            MaxConnectionsPerServer = int.MaxValue,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
        };
        if (o.InsecureSkipVerify)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        else if (roots is not null)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
            {
                if (errors == SslPolicyErrors.None) return true;
                if (cert is null || chain is null) return false;
                return Edge.Security.CustomRootTrust.ChainBuilds(roots, cert, chain);
            };
        return handler;
    }

    public HttpMessageInvoker For(BackendService service) => service.H2c ? _h2c : _http;

    public void Dispose()
    {
        _http.Dispose();
        _h2c.Dispose();
    }
}
