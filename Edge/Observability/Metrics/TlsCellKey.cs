namespace Edge.Observability.Metrics;

/// <summary>
/// The label set of one *_requests_tls_total series (Traefik's tls_version and tls_cipher beside
/// the entry point, router and service, or service labels). The names are Traefik's
/// (pkg/tls GetVersion, GetCipherName), constants interned by <see cref="DataPlane.Tls.GoTlsNames"/>.
/// </summary>
public readonly record struct TlsCellKey(CellScope Scope, string Name, string Service, string Version, string Cipher, string? Namespace = null);
