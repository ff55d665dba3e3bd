using System.Formats.Asn1;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Edge.Configuration;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Security;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// Builds the SocketsHttpHandler of a servers transport: the static <c>serversTransport.*</c>
/// options (<c>default@internal</c>) or a dynamic ServersTransport (serverName, insecureSkipVerify,
/// rootCAs, client certificates, TLS versions and ciphers, peerCertURI, forwarding timeouts).
/// A value Edge cannot honour throws <see cref="FormatException"/> naming it.
/// </summary>
public static class ServersTransportHandler
{
    public static BackendClient Create(ServersTransportOptions o)
    {
        X509Certificate2Collection? roots = null;
        if (o.RootCAs.Count > 0)
        {
            roots = new X509Certificate2Collection();
            foreach (var path in o.RootCAs) roots.ImportFromPemFile(path);
        }
        SocketsHttpHandler Build()
        {
            var handler = Base(o.DialTimeout, o.IdleConnTimeout);
            if (o.InsecureSkipVerify)
                handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            else if (roots is not null)
                handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                {
                    if (errors == SslPolicyErrors.None) return true;
                    if (cert is null || chain is null) return false;
                    return CustomRootTrust.ChainBuilds(roots, cert, chain);
                };
            return handler;
        }
        return new BackendClient(new HttpMessageInvoker(Build(), disposeHandler: true), new HttpMessageInvoker(Build(), disposeHandler: true), o.ResponseHeaderTimeout);
    }

    public static BackendClient Create(string name, ServersTransport st)
    {
        if (st.Spiffe is { ValueKind: not System.Text.Json.JsonValueKind.Null }) throw new FormatException("spiffe is not supported by Edge");
        var t = st.ForwardingTimeouts;
        var dial = Duration(t?.DialTimeout, "dialTimeout", TimeSpan.FromSeconds(30));
        var idle = Duration(t?.IdleConnTimeout, "idleConnTimeout", TimeSpan.FromSeconds(90));
        var responseHeader = Duration(t?.ResponseHeaderTimeout, "responseHeaderTimeout", TimeSpan.Zero);
        var readIdle = Duration(t?.ReadIdleTimeout, "readIdleTimeout", TimeSpan.Zero);
        var ping = Duration(t?.PingTimeout, "pingTimeout", TimeSpan.FromSeconds(15));
        var roots = st.RootCAs is { Count: > 0 } cas ? PemMaterial.Certificates(cas, "rootCAs") : null;
        var clientCerts = new X509Certificate2Collection();
        foreach (var c in st.Certificates ?? []) clientCerts.Add(PemMaterial.KeyPair(c.CertFile, c.KeyFile, "certificates"));
        var protocols = GoTlsNames.Protocols(st.MinVersion, st.MaxVersion);
        var ciphers = st.CipherSuites is { Count: > 0 } names ? names.Select(GoTlsNames.Cipher).Where(s => s != GoTlsNames.FallbackScsv).ToList() : null;
        SocketsHttpHandler Build()
        {
            var h = Base(dial, st.MaxIdleConnsPerHost < 0 ? TimeSpan.Zero : idle);   // negative: no connection reuse (Go's)
            if (readIdle > TimeSpan.Zero) { h.KeepAlivePingDelay = readIdle; h.KeepAlivePingTimeout = ping; }
            h.SslOptions.EnabledSslProtocols = protocols;
            if (ciphers is not null && !OperatingSystem.IsWindows()) h.SslOptions.CipherSuitesPolicy = new CipherSuitesPolicy(ciphers.Concat(GoTlsNames.Tls13Suites).Distinct());
            if (!string.IsNullOrEmpty(st.ServerName)) h.SslOptions.TargetHost = st.ServerName;
            if (clientCerts.Count > 0)
            {
                h.SslOptions.ClientCertificates = clientCerts;
                h.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCerts[0];
            }
            h.SslOptions.RemoteCertificateValidationCallback = (sender, cert, chain, errors) => Verify(st, roots, sender, cert, chain, errors);
            return h;
        }
        return new BackendClient(new HttpMessageInvoker(Build(), disposeHandler: true), new HttpMessageInvoker(Build(), disposeHandler: true), responseHeader, st.DisableHttp2);
    }

    /// <summary>
    /// Go's verification of the backend: the chain to the rootCAs (else the system store), the name
    /// (serverName, else the URL's host: not the Host header, which is the client's), or with
    /// peerCertURI the chain and that URI among the certificate's SANs instead of the name.
    /// </summary>
    private static bool Verify(ServersTransport st, X509Certificate2Collection? roots, object sender, X509Certificate? cert, X509Chain? chain, SslPolicyErrors errors)
    {
        if (st.InsecureSkipVerify) return true;
        if (cert is null || chain is null) return false;
        var leaf = cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
        bool chainOk = roots is null ? (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0 : CustomRootTrust.ChainBuilds(roots, leaf, chain);
        if (!chainOk) return false;
        if (!string.IsNullOrEmpty(st.PeerCertUri)) return UriSans(leaf).Contains(st.PeerCertUri);
        var host = !string.IsNullOrEmpty(st.ServerName) ? st.ServerName : (sender as HttpRequestMessage)?.RequestUri?.IdnHost;
        return host is not null && leaf.MatchesHostname(host);
    }

    /// <summary>The URI entries of the subjectAltName extension ([6] IA5String in GeneralNames).</summary>
    internal static List<string> UriSans(X509Certificate2 cert)
    {
        var uris = new List<string>();
        foreach (var ext in cert.Extensions)
        {
            if (ext.Oid?.Value != "2.5.29.17") continue;
            try
            {
                var seq = new AsnReader(ext.RawData, AsnEncodingRules.DER).ReadSequence();
                var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
                while (seq.HasData)
                {
                    if (seq.PeekTag() == uriTag) uris.Add(seq.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                    else seq.ReadEncodedValue();
                }
            }
            catch (AsnContentException) { }
        }
        return uris;
    }

    private static TimeSpan Duration(string? text, string field, TimeSpan fallback)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        return OptionValues.TryDuration(text, out var d) ? d : throw new FormatException($"forwardingTimeouts.{field}: invalid duration \"{text}\"");
    }

    private static SocketsHttpHandler Base(TimeSpan dial, TimeSpan idle) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = dial > TimeSpan.Zero ? dial : Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = idle,
        MaxConnectionsPerServer = int.MaxValue,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
    };
}
