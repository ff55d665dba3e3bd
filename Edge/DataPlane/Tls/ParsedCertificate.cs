using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Edge.DataPlane.Tls;

/// <summary>
/// One configured certificate: the leaf, parsed at once (its names index the SNI tables and feed
/// the expiry metric), and its <see cref="SslStreamCertificateContext"/>, built on first use.
/// Building a context builds a chain, and the first chain of the process loads the system trust
/// store: deferring it keeps that cost off the start and off configuration changes.
/// </summary>
public sealed class ParsedCertificate(X509Certificate2 leaf, X509Certificate2Collection intermediates)
{
    private readonly Lazy<SslStreamCertificateContext> _context =
        new(() => SslStreamCertificateContext.Create(leaf, intermediates, offline: true), LazyThreadSafetyMode.ExecutionAndPublication);

    public X509Certificate2 Leaf => leaf;

    public SslStreamCertificateContext Context => _context.Value;
}
