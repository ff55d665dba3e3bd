using System.Net.Security;
using System.Security.Authentication;

namespace Edge.DataPlane.Tls;

/// <summary>
/// Traefik's TLS vocabulary (Go's crypto/tls names, pkg/tls/cipher.go and tls.go) mapped to .NET.
/// An unknown name is an error naming it, never ignored.
/// </summary>
public static class GoTlsNames
{
#pragma warning disable SYSLIB0039 // TLS 1.0/1.1: a user who asks for them gets them, as in Traefik.
    private static readonly Dictionary<string, (SslProtocols Protocol, int Order)> Versions = new(StringComparer.Ordinal)
    {
        ["VersionTLS10"] = (SslProtocols.Tls, 10),
        ["VersionTLS11"] = (SslProtocols.Tls11, 11),
        ["VersionTLS12"] = (SslProtocols.Tls12, 12),
        ["VersionTLS13"] = (SslProtocols.Tls13, 13),
    };
#pragma warning restore SYSLIB0039

    /// <summary>TLS_FALLBACK_SCSV (0x5600), which .NET's enum lacks; never handed to OpenSSL.</summary>
    public const TlsCipherSuite FallbackScsv = (TlsCipherSuite)0x5600;

    /// <summary>Go's suite names (IANA's, plus Go's two legacy ChaCha20 aliases) to .NET's enum.</summary>
    private static readonly Dictionary<string, TlsCipherSuite> Ciphers = new(StringComparer.Ordinal)
    {
        ["TLS_RSA_WITH_RC4_128_SHA"] = TlsCipherSuite.TLS_RSA_WITH_RC4_128_SHA,
        ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"] = TlsCipherSuite.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
        ["TLS_RSA_WITH_AES_128_CBC_SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        ["TLS_RSA_WITH_AES_256_CBC_SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        ["TLS_RSA_WITH_AES_128_CBC_SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256,
        ["TLS_RSA_WITH_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        ["TLS_RSA_WITH_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        ["TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
        ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        ["TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        ["TLS_ECDHE_RSA_WITH_RC4_128_SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_RC4_128_SHA,
        ["TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ["TLS_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        ["TLS_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        ["TLS_CHACHA20_POLY1305_SHA256"] = TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        // Go accepts TLS_FALLBACK_SCSV in the list (a signalling value, not a suite): accepted, nothing to enable.
        ["TLS_FALLBACK_SCSV"] = FallbackScsv,
    };

    /// <summary>Traefik's tls.Curves names (Go's and the RFC's spellings).</summary>
    private static readonly HashSet<string> Curves = new(StringComparer.Ordinal)
    {
        "secp256r1", "CurveP256", "secp384r1", "CurveP384", "secp521r1", "CurveP521", "x25519", "X25519", "X25519MLKEM768",
    };

    /// <summary>Traefik's clientAuthType values.</summary>
    public static readonly IReadOnlyList<string> ClientAuthTypes =
        ["NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"];

    /// <summary>TLS 1.3's suites: Go does not let them be configured, so every option set keeps them.</summary>
    public static readonly IReadOnlyList<TlsCipherSuite> Tls13Suites =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    /// <summary>The protocols from minVersion to maxVersion (Go's defaults: TLS 1.2 to 1.3).</summary>
    public static SslProtocols Protocols(string? minVersion, string? maxVersion)
    {
        int min = 12, max = 13;
        if (!string.IsNullOrEmpty(minVersion))
            min = Versions.TryGetValue(minVersion, out var v) ? v.Order : throw new FormatException($"invalid TLS minimum version: {minVersion}");
        if (!string.IsNullOrEmpty(maxVersion))
            max = Versions.TryGetValue(maxVersion, out var v) ? v.Order : throw new FormatException($"invalid TLS maximum version: {maxVersion}");
        if (min > max) throw new FormatException($"TLS minimum version {minVersion} is above the maximum version {maxVersion}");
        var protocols = SslProtocols.None;
        foreach (var (p, order) in Versions.Values)
            if (order >= min && order <= max) protocols |= p;
        return protocols;
    }

    // Traefik's CipherSuitesReversed: the IANA name of each suite (Go's legacy ChaCha20 aliases are not used).
    private static readonly Dictionary<TlsCipherSuite, string> CipherNames =
        Ciphers.Where(kv => !kv.Key.EndsWith("_CHACHA20_POLY1305", StringComparison.Ordinal)).ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Traefik's GetVersion: "1.0" to "1.3", else "unknown" (the tls_version label, the TLSVersion log field).</summary>
    public static string VersionName(SslProtocols protocol) => protocol switch
    {
#pragma warning disable SYSLIB0039
        SslProtocols.Tls => "1.0",
        SslProtocols.Tls11 => "1.1",
#pragma warning restore SYSLIB0039
        SslProtocols.Tls12 => "1.2",
        SslProtocols.Tls13 => "1.3",
        _ => "unknown",
    };

    /// <summary>Traefik's GetCipherName: the suite's Go name, else "unknown".</summary>
    public static string CipherName(TlsCipherSuite? suite) =>
        suite is { } s && CipherNames.TryGetValue(s, out var name) ? name : "unknown";

    public static TlsCipherSuite Cipher(string name) =>
        Ciphers.TryGetValue(name, out var suite) ? suite : throw new FormatException($"invalid CipherSuite: {name}");

    public static void CheckCurve(string name)
    {
        if (!Curves.Contains(name)) throw new FormatException($"invalid CurvePreferences: {name}");
    }
}
