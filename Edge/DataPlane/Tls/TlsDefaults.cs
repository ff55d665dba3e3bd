using System.Net.Security;

namespace Edge.DataPlane.Tls;

/// <summary>
/// Mozilla's "intermediate" server profile (v5.7): TLS 1.2 and 1.3; in TLS 1.2 only ECDHE key
/// exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305), so no CBC suite (LUCKY13) and no
/// static RSA. OpenSSL's default groups stay (X25519, P-256, X448, P-521, P-384): .NET exposes no
/// way to narrow them per SslStream.
/// </summary>
public static class TlsDefaults
{
    /// <summary>Null on Windows, where SChannel's policy applies (Edge ships for Linux).</summary>
    public static CipherSuitesPolicy? CipherSuites { get; } = OperatingSystem.IsWindows() ? null : Create();

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static CipherSuitesPolicy Create() => new(
    [
        // TLS 1.3 (all three AEAD suites).
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        // TLS 1.2, in Mozilla's order.
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);
}
