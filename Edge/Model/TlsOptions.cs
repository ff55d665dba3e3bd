using System.Text.Json.Serialization;

namespace Edge.Model;

/// <summary>
/// Traefik's <c>tls.options.&lt;name&gt;</c> (pkg/tls/tls.go <c>Options</c>), with its JSON names, so the
/// CRD provider, the file provider and /api/rawdata share one shape. Version and cipher names are
/// Go's (<c>VersionTLS12</c>, <c>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</c>); the data plane maps them.
/// </summary>
public sealed class TlsOptions
{
    [JsonPropertyName("minVersion")] public string? MinVersion { get; set; }
    [JsonPropertyName("maxVersion")] public string? MaxVersion { get; set; }
    [JsonPropertyName("cipherSuites")] public List<string>? CipherSuites { get; set; }
    [JsonPropertyName("curvePreferences")] public List<string>? CurvePreferences { get; set; }
    [JsonPropertyName("clientAuth")] public TlsClientAuth? ClientAuth { get; set; }
    [JsonPropertyName("sniStrict"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool SniStrict { get; set; }
    [JsonPropertyName("alpnProtocols")] public List<string>? AlpnProtocols { get; set; }
    [JsonPropertyName("disableSessionTickets"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool DisableSessionTickets { get; set; }
    /// <summary>Deprecated in Traefik (Go ignores it since 1.17); accepted and ignored.</summary>
    [JsonPropertyName("preferServerCipherSuites")] public bool? PreferServerCipherSuites { get; set; }

    /// <summary>The namespace of the TLSOption object (CRD provider); tenancy lets only that namespace's routers use it.</summary>
    [JsonIgnore] public string? Namespace { get; set; }

}

/// <summary>Traefik's <c>ClientAuth</c>: CA certificates (a file path or PEM content each) and the policy.</summary>
public sealed class TlsClientAuth
{
    [JsonPropertyName("caFiles")] public List<string>? CaFiles { get; set; }
    [JsonPropertyName("clientAuthType")] public string? ClientAuthType { get; set; }
}

/// <summary>Traefik's <c>tls.stores.&lt;name&gt;</c>: the certificate served when no other matches.</summary>
public sealed class TlsStore
{
    [JsonPropertyName("defaultCertificate")] public TlsCertificate? DefaultCertificate { get; set; }
    [JsonPropertyName("defaultGeneratedCert")] public GeneratedCert? DefaultGeneratedCert { get; set; }
}

/// <summary>Traefik's <c>Certificate</c>: certFile / keyFile, each a file path or PEM content.</summary>
public sealed class TlsCertificate
{
    [JsonPropertyName("certFile")] public string CertFile { get; set; } = "";
    [JsonPropertyName("keyFile")] public string KeyFile { get; set; } = "";
}

/// <summary>Traefik's <c>GeneratedCert</c> (an ACME resolver's certificate as the default one).</summary>
public sealed class GeneratedCert
{
    [JsonPropertyName("resolver")] public string? Resolver { get; set; }
    [JsonPropertyName("domain")] public TlsDomain? Domain { get; set; }
}
