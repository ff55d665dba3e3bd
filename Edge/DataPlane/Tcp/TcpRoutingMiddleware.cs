using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Observability.Logging;
using Microsoft.AspNetCore.Connections;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// Traefik's TCP routing in front of HTTP on every entry point (pkg/server/router/tcp/router.go):
/// the first bytes of a connection decide. A TLS ClientHello is read without being consumed and its
/// SNI and ALPN matched against the TCP TLS routes (passthrough: the raw bytes are spliced to the
/// server; termination: TLS is ended here and the plaintext spliced) and the HTTPS routers' hosts
/// (a specific HTTPS host wins over a TCP route, the HTTPS catch-all loses to a specific one).
/// Plain bytes go to a matching non-TLS TCP route (<c>HostSNI(`*`)</c>, <c>ClientIP</c>), else to HTTP.
/// With only non-TLS TCP routes on the entry point, a matching route takes the connection before
/// the client speaks (server-first protocols). An entry point without TCP routes costs nothing.
/// </summary>
public sealed class TcpRoutingMiddleware(Func<TcpRoutingState> current, Func<CertificateStore> certificates, string entryPoint, TimeSpan readTimeout)
{
    public async Task OnConnectionAsync(ConnectionContext ctx, ConnectionDelegate next)
    {
        var table = current().For(entryPoint);
        if (table is null || table.IsEmpty)
        {
            await next(ctx);
            return;
        }
        var remote = ctx.RemoteEndPoint as IPEndPoint;
        var ip = remote?.Address is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : remote?.Address;
        if (table.Plain.Count > 0 && table.Tls.Count == 0 && !table.HasHttps
            && TcpEntryPointRoutes.Match(table.Plain, new TcpConnData("", ip, [])) is { } early)
        {
            await ServeAsync(ctx, early, "", ip);
            return;
        }

        // Peek (never consume) until the first bytes say TLS or not, and the whole ClientHello is there.
        var input = ctx.Transport.Input;
        ClientHello.Outcome outcome;
        string sni;
        List<string> alpn;
        using (var cts = new CancellationTokenSource(readTimeout))
        {
            while (true)
            {
                System.IO.Pipelines.ReadResult read;
                try { read = await input.ReadAsync(cts.Token); }
                catch (OperationCanceledException) { return; }   // never spoke: closed, as Traefik's read deadline does
                outcome = ClientHello.TryRead(read.Buffer, out sni, out alpn);
                if (outcome == ClientHello.Outcome.NeedMore && !read.IsCompleted)
                {
                    input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    continue;
                }
                input.AdvanceTo(read.Buffer.Start, read.Buffer.Start);
                if (outcome == ClientHello.Outcome.NeedMore) return;   // closed before a full first message
                break;
            }
        }
        if (outcome == ClientHello.Outcome.Invalid)
        {
            Log.Debug("Error while reading client hello", ("entryPoint", entryPoint), ("remote", remote));
            return;
        }
        var conn = new TcpConnData(sni.ToLowerInvariant(), ip, alpn);
        if (outcome == ClientHello.Outcome.NotTls)
        {
            if (TcpEntryPointRoutes.Match(table.Plain, conn) is { } plain) await ServeAsync(ctx, plain, "", ip);
            else await next(ctx);
            return;
        }
        // TLS-ALPN-01 challenges are answered by the HTTPS side.
        if (alpn.Contains("acme-tls/1") || table.HttpsSpecific(conn))
        {
            await next(ctx);
            return;
        }
        var tls = TcpEntryPointRoutes.Match(table.Tls, conn);
        if (tls is not null && (!tls.Rule.IsCatchAll || !table.HttpsCatchAll)) await ServeAsync(ctx, tls, conn.ServerName, ip);
        else await next(ctx);
    }

    private async Task ServeAsync(ConnectionContext ctx, TcpRoute route, string sni, IPAddress? ip)
    {
        var leases = new List<IDisposable>();
        try
        {
            if (!route.Chain.TryEnter(ip, leases)) return;   // closed, as Traefik's TCP middlewares do
            if (route.Broken) return;
            Stream client = new DuplexStream(ctx.Transport);
            SslStream? ssl = null;
            if (route.Tls == TcpTlsMode.Terminate)
            {
                ssl = new SslStream(client, leaveInnerStreamOpen: true);
                client = ssl;
                if (!await HandshakeAsync(ssl, route.Options!, sni)) return;
            }
            try
            {
                if (route.Backend.Pick() is not { } target)
                {
                    Log.Error("No server for TCP service", ("routerName", ProviderNames.Qualify(route.Name)), ("serviceName", ProviderNames.Qualify(route.Backend.Name)));
                    return;
                }
                var dialer = target.Leaf.Dialer!;
                TcpServerConnection server;
                try { server = await dialer.ConnectAsync(target.Server.Address, target.Server.Tls, ctx.RemoteEndPoint as IPEndPoint, ctx.LocalEndPoint as IPEndPoint, ctx.ConnectionClosed); }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException or AuthenticationException or IOException)
                {
                    Log.Error("Error while dialing backend", ("routerName", ProviderNames.Qualify(route.Name)), ("address", target.Server.Address), ("error", e.Message));
                    return;
                }
                Log.Debug("Handling TCP connection", ("routerName", ProviderNames.Qualify(route.Name)), ("address", target.Server.Address), ("remoteAddr", ctx.RemoteEndPoint));
                await TcpSplice.RunAsync(client, server, dialer.TerminationDelay, ctx.ConnectionClosed);
            }
            finally
            {
                if (ssl is not null) await ssl.DisposeAsync();
            }
        }
        finally
        {
            foreach (var l in leases) l.Dispose();
        }
    }

    private async Task<bool> HandshakeAsync(SslStream ssl, CompiledTlsOptions options, string sni)
    {
        var store = certificates();
        try
        {
            using var cts = new CancellationTokenSource(readTimeout);
            if (options.SniStrict && !store.Has(sni))
                throw new AuthenticationException($"strict SNI enabled - No certificate found for domain: \"{sni}\", closing connection");
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = store.Select(sni),
                EnabledSslProtocols = options.Protocols,
                CipherSuitesPolicy = options.CipherSuites,
                AllowTlsResume = options.AllowResume,
                ClientCertificateRequired = options.RequestsClientCertificate,
                RemoteCertificateValidationCallback = options.RequestsClientCertificate ? (_, cert, chain, _) => options.AcceptsClient(cert, chain) : null,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cts.Token);
            return true;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            Log.Debug("TLS handshake failed on a TCP route", ("entryPoint", entryPoint), ("error", e.Message));
            return false;
        }
    }
}
