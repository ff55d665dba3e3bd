using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Routing.Table;
using Edge.DataPlane.Tls;

namespace Edge.DataPlane;

/// <summary>
/// Everything a request needs, compiled from one configuration: a route table per entry point,
/// the services, and the certificates. Immutable; every configuration change builds a new one (a
/// patch of the previous compilation shares the route entries, buckets, services and certificates
/// it did not touch) and swaps it in whole.
/// </summary>
public sealed record DataPlaneState(
    IReadOnlyDictionary<string, EntryPointRoutes> Routes,
    IReadOnlyDictionary<string, BackendService> Services,
    CertificateStore Certificates,
    IReadOnlyDictionary<string, string> RouterErrors,
    IReadOnlyDictionary<string, NamespaceGate> Gates,
    IReadOnlyDictionary<string, ProxyHandler>? Chains = null,
    IReadOnlyDictionary<string, EntryPointTlsOptions>? TlsOptions = null,
    Health.HealthCheckSet? HealthChecks = null)
{
    /// <summary>Entry point name to its TLS options by SNI (and each TLS router's options name, for the 421 check).</summary>
    public IReadOnlyDictionary<string, EntryPointTlsOptions> TlsOptions { get; } = TlsOptions ?? new Dictionary<string, EntryPointTlsOptions>();

    /// <summary>Router name to its compiled middleware chain (ending in the forwarder); routers without middlewares are absent.</summary>
    public IReadOnlyDictionary<string, ProxyHandler> Chains { get; } = Chains ?? new Dictionary<string, ProxyHandler>();
}
