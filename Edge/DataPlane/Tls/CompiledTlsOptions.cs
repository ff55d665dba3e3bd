using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Edge.Model;
using Edge.Security;

namespace Edge.DataPlane.Tls;

/// <summary>
/// One TLS option set compiled for the handshake: protocols, cipher suites, ALPN, client
/// certificate policy and CA, sniStrict. Built once per configuration; a value Edge cannot honour
/// (an unknown cipher or version name, a clientAuthType without the CA it needs) throws
/// <see cref="FormatException"/> naming it, and the routers using the options are in error.
/// </summary>
public sealed class CompiledTlsOptions
{
    public const string DefaultName = "default";

    /// <summary>Traefik's built-in default options (TLS 1.2+, h2 and http/1.1, no client certificate).</summary>
    public static CompiledTlsOptions BuiltInDefault { get; } = new(DefaultName, new TlsOptions());

    public string Name { get; }
    public SslProtocols Protocols { get; }
    public CipherSuitesPolicy? CipherSuites { get; }
    public List<SslApplicationProtocol> Alpn { get; }
    public string ClientAuthType { get; }
    public X509Certificate2Collection? ClientCas { get; }
    public bool SniStrict { get; }
    public bool AllowResume { get; }

    public CompiledTlsOptions(string name, TlsOptions o)
    {
        Name = name;
        Protocols = GoTlsNames.Protocols(o.MinVersion, o.MaxVersion);
        if (o.CipherSuites is { Count: > 0 } names)
        {
            var suites = names.Select(GoTlsNames.Cipher).Where(s => s != GoTlsNames.FallbackScsv).ToList();
            foreach (var s in GoTlsNames.Tls13Suites) if (!suites.Contains(s)) suites.Add(s);
            CipherSuites = OperatingSystem.IsWindows() ? null : Policy(suites);
        }
        else CipherSuites = TlsDefaults.CipherSuites;
        foreach (var c in o.CurvePreferences ?? []) GoTlsNames.CheckCurve(c);
        // acme-tls/1 is Traefik's ACME challenge protocol; Edge has no ACME, so it is never offered.
        var alpn = (o.AlpnProtocols is { Count: > 0 } a ? a : ["h2", "http/1.1"]).Where(p => p != "acme-tls/1").ToList();
        Alpn = alpn.Select(p => p switch
        {
            "h2" => SslApplicationProtocol.Http2,
            "http/1.1" => SslApplicationProtocol.Http11,
            _ => new SslApplicationProtocol(p),
        }).ToList();
        ClientAuthType = o.ClientAuth?.ClientAuthType is { Length: > 0 } t ? t : "NoClientCert";
        if (!GoTlsNames.ClientAuthTypes.Contains(ClientAuthType)) throw new FormatException($"unknown client auth type {ClientAuthType}");
        if (o.ClientAuth?.CaFiles is { Count: > 0 } cas) ClientCas = PemMaterial.Certificates(cas, "clientAuth.caFiles");
        // Traefik: the verifying types need a CA to verify against.
        if (ClientCas is null && ClientAuthType is "VerifyClientCertIfGiven" or "RequireAndVerifyClientCert")
            throw new FormatException($"invalid clientAuthType: {ClientAuthType}, CAFiles is required");
        SniStrict = o.SniStrict;
        AllowResume = !o.DisableSessionTickets;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static CipherSuitesPolicy Policy(List<TlsCipherSuite> suites) => new(suites);

    public bool RequestsClientCertificate => ClientAuthType != "NoClientCert";

    /// <summary>
    /// Go's ClientAuthType semantics: whether a handshake with this client certificate (or none)
    /// goes on. Verification builds to the configured CAs only and needs the clientAuth usage when
    /// the certificate restricts its usages (as Go's ExtKeyUsageClientAuth check does).
    /// </summary>
    public bool AcceptsClient(X509Certificate? certificate, X509Chain? chain)
    {
        switch (ClientAuthType)
        {
            case "NoClientCert":
            case "RequestClientCert": return true;
            case "RequireAnyClientCert": return certificate is not null;
            case "VerifyClientCertIfGiven" when certificate is null: return true;
        }
        if (certificate is null || ClientCas is null) return false;
        // A chain of our own: the one SslStream passes was built for its own policy.
        using var c = new X509Chain();
        c.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        c.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        return CustomRootTrust.ChainBuilds(ClientCas, certificate, c);
    }
}
