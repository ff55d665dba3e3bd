using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Edge.Observability.Logging;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Edge.DataPlane.Tls;

/// <summary>
/// Like Traefik, every entry point accepts both TLS and plain HTTP on the same port: the first byte
/// of a connection (0x16, a TLS handshake record) decides. TLS connections are terminated here with
/// the certificate chosen by SNI from the current <see cref="CertificateStore"/>, and ALPN offers h2
/// and http/1.1; Kestrel then sees the TLS features and serves HTTP/2 or HTTP/1.1 over it.
/// </summary>
/// <param name="currentOptions">The entry point's TLS options (by SNI) of the current configuration; null: Traefik's defaults.</param>
/// <param name="challenges">TLS-ALPN-01 challenges being validated: a ClientHello offering acme-tls/1 for one of their names gets its validation certificate.</param>
public sealed class TlsSniffingMiddleware(Func<CertificateStore> currentStore, TimeSpan handshakeTimeout, Func<EntryPointTlsOptions>? currentOptions = null,
    Edge.Security.Acme.ChallengeResponder? challenges = null)
{
    public async Task OnConnectionAsync(ConnectionContext ctx, ConnectionDelegate next)
    {
        var input = ctx.Transport.Input;
        ReadResult first;
        using (var cts = new CancellationTokenSource(handshakeTimeout))
        {
            try { first = await input.ReadAsync(cts.Token); }
            catch (OperationCanceledException) { return; }   // an idle connection that never spoke
        }
        bool isTls = !first.Buffer.IsEmpty && first.Buffer.FirstSpan[0] == 0x16;
        bool acmeTls = false;
        if (isTls && challenges is { HasTlsAlpn: true })
        {
            // Only while a TLS-ALPN-01 challenge is pending: read the whole first record to see its ALPN list.
            using var cts = new CancellationTokenSource(handshakeTimeout);
            try
            {
                while (ClientHelloAlpn.RecordLength(first.Buffer) is var need && (need is null || first.Buffer.Length < need) && !first.IsCompleted && first.Buffer.Length < 16_389)
                {
                    input.AdvanceTo(first.Buffer.Start, first.Buffer.End);
                    first = await input.ReadAsync(cts.Token);
                }
            }
            catch (OperationCanceledException) { return; }
            acmeTls = ClientHelloAlpn.Offers(first.Buffer, Edge.Security.Acme.TlsAlpnCertificate.Protocol);
        }
        input.AdvanceTo(first.Buffer.Start, first.Buffer.Start);   // peeked, not consumed
        if (!isTls || first.IsCompleted && first.Buffer.IsEmpty)
        {
            await next(ctx);
            return;
        }

        var original = ctx.Transport;
        await using var ssl = new SslStream(new DuplexStream(original), leaveInnerStreamOpen: false);
        var store = currentStore();
        var table = currentOptions?.Invoke() ?? EntryPointTlsOptions.Empty;
        CompiledTlsOptions? chosen = null;
        if (acmeTls)
        {
            await AnswerTlsAlpnChallengeAsync(ssl, ctx);
            return;
        }
        try
        {
            using var cts = new CancellationTokenSource(handshakeTimeout);
            // The options are chosen per ClientHello so that the SNI picks the certificate context
            // (leaf + intermediates) and the TLS options from the configuration current at handshake time.
            await ssl.AuthenticateAsServerAsync((_, hello, _, _) =>
            {
                chosen = table.Select(hello.ServerName, out _)
                    ?? throw new AuthenticationException($"TLS options for \"{hello.ServerName}\" are broken, refusing the handshake");
                // Traefik's sniStrict: no handshake without a configured certificate for the server name.
                if (chosen.SniStrict && !store.Has(hello.ServerName))
                    throw new AuthenticationException($"strict SNI enabled - No certificate found for domain: \"{hello.ServerName}\", closing connection");
                var options = chosen;
                return ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = store.Select(hello.ServerName),
                    ApplicationProtocols = options.Alpn,
                    EnabledSslProtocols = options.Protocols,
                    CipherSuitesPolicy = options.CipherSuites,
                    AllowTlsResume = options.AllowResume,
                    ClientCertificateRequired = options.RequestsClientCertificate,
                    RemoteCertificateValidationCallback = options.RequestsClientCertificate ? (_, cert, chain, _) => options.AcceptsClient(cert, chain) : null,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                });
            }, null, cts.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            Log.Debug("TLS handshake failed", ("remote", ctx.RemoteEndPoint), ("error", e.Message));
            return;
        }

        var tls = new TlsFeatures(ssl);
        if (chosen?.RequestsClientCertificate == true && ssl.RemoteCertificate is { } client)
            tls.ClientCertificate = client as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(client.GetRawCertData());
        ctx.Features.Set(new TlsOptionsFeature(chosen?.Name ?? CompiledTlsOptions.DefaultName));
        ctx.Features.Set<ITlsConnectionFeature>(tls);
        ctx.Features.Set<ITlsApplicationProtocolFeature>(tls);
        ctx.Features.Set<ITlsHandshakeFeature>(tls);
        ctx.Transport = new DuplexPipe(PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(ssl, new StreamPipeWriterOptions(leaveOpen: true)));
        try
        {
            await next(ctx);
        }
        finally
        {
            ctx.Transport = original;
        }
    }

    /// <summary>
    /// RFC 8737: a client offering acme-tls/1 gets the validation certificate of the name it asks
    /// for and that protocol only; the connection is closed after the handshake (no application data).
    /// A name with no pending challenge gets no handshake.
    /// </summary>
    private async Task AnswerTlsAlpnChallengeAsync(SslStream ssl, ConnectionContext ctx)
    {
        try
        {
            using var cts = new CancellationTokenSource(handshakeTimeout);
            await ssl.AuthenticateAsServerAsync((_, hello, _, _) =>
            {
                var cert = challenges!.TlsAlpnCertificateFor(hello.ServerName)
                    ?? throw new AuthenticationException($"no TLS-ALPN-01 challenge for \"{hello.ServerName}\"");
                Log.Debug("Answering the TLS-ALPN-01 challenge", ("domain", hello.ServerName), ("remote", ctx.RemoteEndPoint));
                return ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = cert,
                    ApplicationProtocols = [new SslApplicationProtocol(Edge.Security.Acme.TlsAlpnCertificate.Protocol)],
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                });
            }, null, cts.Token);
            await ssl.ShutdownAsync();
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            Log.Debug("TLS-ALPN-01 handshake failed", ("remote", ctx.RemoteEndPoint), ("error", e.Message));
        }
    }

    /// <summary>The name of the TLS options a connection was accepted with (Traefik's snicheck compares it per request).</summary>
    public sealed record TlsOptionsFeature(string Name);

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    private sealed class TlsFeatures(SslStream ssl) : ITlsConnectionFeature, ITlsApplicationProtocolFeature, ITlsHandshakeFeature
    {
        public X509Certificate2? ClientCertificate { get; set; }
        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);
        public ReadOnlyMemory<byte> ApplicationProtocol => ssl.NegotiatedApplicationProtocol.Protocol;
        public SslProtocols Protocol => ssl.SslProtocol;
        public string HostName => ssl.TargetHostName;
        public TlsCipherSuite? NegotiatedCipherSuite => ssl.NegotiatedCipherSuite;
#pragma warning disable SYSLIB0058 // Kestrel's feature interface still carries the legacy members.
        public CipherAlgorithmType CipherAlgorithm => ssl.CipherAlgorithm;
        public int CipherStrength => ssl.CipherStrength;
        public HashAlgorithmType HashAlgorithm => ssl.HashAlgorithm;
        public int HashStrength => ssl.HashStrength;
        public ExchangeAlgorithmType KeyExchangeAlgorithm => ssl.KeyExchangeAlgorithm;
        public int KeyExchangeStrength => ssl.KeyExchangeStrength;
#pragma warning restore SYSLIB0058
    }
}
