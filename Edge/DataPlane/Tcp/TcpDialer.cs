using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Edge.GoCompat;
using Edge.Model;
using Edge.Security;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// How a TCP service reaches its servers (Traefik's DialerManager and tcpDialer/tcpTLSDialer,
/// pkg/tcp/dialer.go): dial timeout, TCP keep-alive, the PROXY header, then TLS to a server whose
/// <c>tls</c> is true with the servers transport's TLS settings. Without a servers transport the
/// service's own terminationDelay and proxyProtocol apply; with one, the transport's replace them.
/// </summary>
public sealed class TcpDialer
{
    /// <summary>Go's text when TLS to a server has neither a server name nor insecureSkipVerify.</summary>
    public const string NoServerName = "tls: either ServerName or InsecureSkipVerify must be specified in the tls.Config";

    private readonly TcpTlsClientConfig? _tls;
    private readonly X509Certificate2Collection? _roots;
    private readonly X509Certificate2Collection? _clientCertificates;

    /// <summary>Zero: no limit.</summary>
    public TimeSpan DialTimeout { get; }
    /// <summary>Go's dialKeepAlive: zero is 15s, negative disables keep-alive probes.</summary>
    public TimeSpan KeepAlive { get; }
    /// <summary>How long the other direction may still read once one side closed (negative: no limit).</summary>
    public TimeSpan TerminationDelay { get; }
    /// <summary>0: no PROXY header; 1 or 2: the version sent first to the server.</summary>
    public int ProxyProtocolVersion { get; }

    private TcpDialer(TimeSpan dial, TimeSpan keepAlive, TimeSpan termination, int proxyProtocol, TcpTlsClientConfig? tls)
    {
        DialTimeout = dial;
        KeepAlive = keepAlive;
        TerminationDelay = termination;
        ProxyProtocolVersion = proxyProtocol;
        // Traefik builds a tls.Config only when one of these is set; else TLS to a server is Go's nil config.
        if (tls is not null && (tls.InsecureSkipVerify || tls.RootCAs is { Count: > 0 } || !string.IsNullOrEmpty(tls.ServerName)
            || tls.Certificates is { Count: > 0 } || !string.IsNullOrEmpty(tls.PeerCertUri)))
        {
            _tls = tls;
            _roots = tls.RootCAs is { Count: > 0 } cas ? PemMaterial.Certificates(cas, "rootCAs") : null;
            if (tls.Certificates is { Count: > 0 } certs)
            {
                _clientCertificates = new X509Certificate2Collection();
                foreach (var c in certs) _clientCertificates.Add(PemMaterial.KeyPair(c.CertFile, c.KeyFile, "certificates"));
            }
        }
    }

    /// <summary>The dialer of a load balancer without serversTransport (Traefik's default@internal: dial 30s, keep-alive 15s).</summary>
    public static TcpDialer ForService(TcpServersLoadBalancer lb) => new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15),
        lb.TerminationDelay is { } ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromMilliseconds(100),
        lb.ProxyProtocol is null ? 0 : lb.ProxyProtocol.Version == 0 ? 2 : lb.ProxyProtocol.Version, null);

    /// <summary>The dialer of a servers transport; <see cref="FormatException"/> names what Edge cannot use.</summary>
    public static TcpDialer ForTransport(TcpServersTransport st)
    {
        if (st.Tls?.Spiffe is { ValueKind: not System.Text.Json.JsonValueKind.Null }) throw new FormatException("tls.spiffe is not supported by Edge");
        if (st.Tls?.PeerCertSans is { ValueKind: not System.Text.Json.JsonValueKind.Null }) throw new FormatException("tls.peerCertSANs is not supported by Edge (use peerCertURI)");
        if (st.ProxyProtocol is { Version: < 1 or > 2 } pp) throw new FormatException($"unknown proxyProtocol version: {pp.Version}");
        return new TcpDialer(Duration(st.DialTimeout, "dialTimeout", TimeSpan.FromSeconds(30)), Duration(st.DialKeepAlive, "dialKeepAlive", TimeSpan.FromSeconds(15)),
            Duration(st.TerminationDelay, "terminationDelay", TimeSpan.FromMilliseconds(100)), st.ProxyProtocol?.Version ?? 0, st.Tls);
    }

    private static TimeSpan Duration(string? text, string field, TimeSpan fallback)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (long.TryParse(text, out var secs)) return TimeSpan.FromSeconds(secs);
        return GoDuration.TryParse(text, out var ns) ? TimeSpan.FromTicks(ns / 100) : throw new FormatException($"{field}: invalid duration \"{text}\"");
    }

    /// <summary>
    /// Dials <paramref name="address"/>, sends the PROXY header for <paramref name="client"/>, and with
    /// <paramref name="tls"/> completes a TLS handshake. Throws <see cref="SocketException"/>,
    /// <see cref="OperationCanceledException"/> or <see cref="AuthenticationException"/> (the message says why).
    /// </summary>
    public async Task<TcpServerConnection> ConnectAsync(string address, bool tls, IPEndPoint? client, IPEndPoint? local, CancellationToken ct)
    {
        var socket = await DialAsync(address, ct);
        try
        {
            if (ProxyProtocolVersion > 0)
                await socket.SendAsync(ProxyProtocolWriter.Header(ProxyProtocolVersion, client, local), SocketFlags.None, ct);
            var stream = new NetworkStream(socket, ownsSocket: true);
            if (!tls) return new TcpServerConnection(socket, stream, null);
            if (_tls is null || (string.IsNullOrEmpty(_tls.ServerName) && !_tls.InsecureSkipVerify))
                throw new AuthenticationException("TLS handshake failed: " + NoServerName);
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                if (DialTimeout > TimeSpan.Zero) cts.CancelAfter(DialTimeout);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    // Go sends no SNI for an IP address and none when serverName is empty.
                    TargetHost = _tls.ServerName ?? "",
                    ClientCertificates = _clientCertificates,
                    LocalCertificateSelectionCallback = _clientCertificates is { Count: > 0 } certs ? (_, _, _, _, _) => certs[0] : null,
                    RemoteCertificateValidationCallback = (_, cert, chain, errors) => Verify(cert, chain, errors),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, cts.Token);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                await ssl.DisposeAsync();
                throw new AuthenticationException("TLS handshake failed: " + e.Message, e);
            }
            return new TcpServerConnection(socket, ssl, ssl);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Go's verification: the chain to the rootCAs (else the system's), the server name, and peerCertURI among the URI SANs.</summary>
    private bool Verify(X509Certificate? cert, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_tls!.InsecureSkipVerify) return true;
        if (cert is null || chain is null) return false;
        var leaf = cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
        bool chainOk = _roots is null ? (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0 : CustomRootTrust.ChainBuilds(_roots, leaf, chain);
        if (!chainOk || !leaf.MatchesHostname(_tls.ServerName!)) return false;
        return string.IsNullOrEmpty(_tls.PeerCertUri) || Forwarding.ServersTransportHandler.UriSans(leaf).Contains(_tls.PeerCertUri);
    }

    private async Task<Socket> DialAsync(string address, CancellationToken ct)
    {
        int colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port)) throw new SocketException((int)SocketError.AddressNotAvailable);
        var host = address[..colon].Trim('[', ']');
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (DialTimeout > TimeSpan.Zero) cts.CancelAfter(DialTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (IPAddress.TryParse(host, out var ip)) await socket.ConnectAsync(new IPEndPoint(ip, port), cts.Token);
            else await socket.ConnectAsync(new DnsEndPoint(host, port), cts.Token);
            if (KeepAlive >= TimeSpan.Zero)
            {
                // Go: idle time and probe interval both the keep-alive period, in whole seconds (rounded up).
                int secs = Math.Max(1, (int)Math.Ceiling((KeepAlive == TimeSpan.Zero ? TimeSpan.FromSeconds(15) : KeepAlive).TotalSeconds));
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, secs);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, secs);
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A connection to a TCP server: its socket, the stream to splice (TLS or not).</summary>
public sealed record TcpServerConnection(Socket Socket, Stream Stream, SslStream? Tls)
{
    /// <summary>Passes on the client's end of writing: close_notify over TLS, then the TCP half-close.</summary>
    public async Task CloseWriteAsync()
    {
        try
        {
            if (Tls is not null) await Tls.ShutdownAsync();
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or InvalidOperationException) { }
    }
}
