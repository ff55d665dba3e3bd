namespace Edge.DataPlane.Forwarding;

/// <summary>
/// The pooled HTTP clients of one servers transport: one SocketsHttpHandler for HTTP/1.1 and TLS
/// backends and one for h2c, each keeping its own connection pool per backend address.
/// </summary>
public sealed class BackendClient(HttpMessageInvoker http, HttpMessageInvoker h2c, TimeSpan responseHeaderTimeout, bool disableHttp2 = false) : IDisposable
{
    /// <summary>The ServersTransport's disableHTTP2: a TLS backend is never asked for h2 (see <see cref="GrpcForward"/>).</summary>
    public bool DisableHttp2 { get; } = disableHttp2;
    public HttpMessageInvoker Http { get; } = http;
    public HttpMessageInvoker H2c { get; } = h2c;
    public TimeSpan ResponseHeaderTimeout { get; } = responseHeaderTimeout;

    public void Dispose()
    {
        Http.Dispose();
        if (!ReferenceEquals(H2c, Http)) H2c.Dispose();
    }
}
