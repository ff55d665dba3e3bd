using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Edge.Model;
using Edge.Observability.Logging;
using Edge.Tenancy;

namespace Edge.DataPlane.Tls;

/// <summary>
/// The certificates of one configuration, indexed for SNI: exact server name first, then the
/// wildcard one level up, else the default certificate. Parsed certificates are cached by content
/// across configurations, so a rotation re-parses only what changed and handshakes already in flight
/// keep the context they selected.
/// </summary>
public sealed class CertificateStore
{
    // Keyed by a hash of the PEMs, stamped with the sweep in which it was last used (see Sweep).
    private static readonly Dictionary<string, (ParsedCertificate? Parsed, long Stamp)> ParseCache = new();
    private static long _sweep;
    private readonly Dictionary<string, ParsedCertificate> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ParsedCertificate> _wildcard = new(StringComparer.OrdinalIgnoreCase);
    // Tenancy: the namespace of the certificate indexed under each wildcard suffix, checked per handshake.
    private readonly Dictionary<string, string> _wildcardNamespace = new(StringComparer.OrdinalIgnoreCase);
    private readonly HostOwnership? _ownership;
    private readonly List<ParsedCertificate> _all = new();

    private readonly Lazy<SslStreamCertificateContext> _default;

    /// <summary>The default certificate (created on first use: see <see cref="CreateDefaultLazy"/>).</summary>
    public SslStreamCertificateContext Default => _default.Value;

    /// <summary>Parsed certificates kept across configurations (for /debug/vars).</summary>
    public static int ParseCacheCount { get { lock (ParseCache) return ParseCache.Count; } }
    public IReadOnlyList<(string Name, DateTime NotAfter)> Certificates { get; }

    /// <summary>Each configured leaf certificate once (for traefik_tls_certs_not_after).</summary>
    public IReadOnlyList<X509Certificate2> Leaves { get; }

    public CertificateStore(TlsConfig? tls, SslStreamCertificateContext defaultCertificate, HostOwnership? ownership = null)
        : this(tls, new Lazy<SslStreamCertificateContext>(defaultCertificate), ownership)
    {
    }

    /// <param name="ownership">
    /// Tenancy mode: a certificate indexed by wildcard is offered for a name only if its Secret's
    /// namespace owns that name (a name owned exactly by another namespace gets the default one).
    /// </param>
    public CertificateStore(TlsConfig? tls, Lazy<SslStreamCertificateContext> defaultCertificate, HostOwnership? ownership = null)
    {
        _default = defaultCertificate;
        _ownership = ownership;
        var list = new List<(string, DateTime)>();
        var leaves = new List<X509Certificate2>();
        foreach (var c in tls?.Certificates ?? [])
        {
            var ctx = Parse(c);
            if (ctx is null) continue;
            var cert = ctx.Leaf;
            if (!leaves.Contains(cert)) { leaves.Add(cert); _all.Add(ctx); }
            var names = Names(cert);
            foreach (var name in names) list.Add((name, cert.NotAfter.ToUniversalTime()));
            if (c.AllowedNames is { } allowed)
            {
                var ns = c.Namespace ?? "";
                // Tenancy: index the certificate only under the hosts its namespace declares and it covers.
                foreach (var host in allowed)
                {
                    if (!Covers(names, host)) continue;
                    if (!host.StartsWith("*.", StringComparison.Ordinal)) _exact.TryAdd(host, ctx);
                    else if (_wildcard.TryAdd(host[2..], ctx)) _wildcardNamespace[host[2..]] = ns;
                }
                continue;
            }
            foreach (var name in names)
            {
                if (name.StartsWith("*.", StringComparison.Ordinal)) _wildcard.TryAdd(name[2..], ctx);
                else _exact.TryAdd(name, ctx);
            }
        }
        Certificates = list;
        Leaves = leaves;
    }

    public SslStreamCertificateContext Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName)) return Default;
        var name = serverName.TrimEnd('.');
        if (_exact.TryGetValue(name, out var exact)) return exact.Context;
        var dot = name.IndexOf('.');
        if (dot > 0 && _wildcard.TryGetValue(name[(dot + 1)..], out var wild) && OwnsName(name[(dot + 1)..], name)) return wild.Context;
        return Default;
    }

    /// <summary>Tenancy: whether the wildcard certificate's namespace owns this very name (no one else owns it exactly).</summary>
    private bool OwnsName(string suffix, string name) =>
        _ownership is null || !_wildcardNamespace.TryGetValue(suffix, out var ns) || string.Equals(_ownership.OwnerOf(name), ns, StringComparison.Ordinal);

    /// <summary>
    /// Builds the contexts nobody has asked for yet (the default one and every configured one), so
    /// that no handshake pays for them. Called off the start path, once the first routes are served.
    /// </summary>
    public void Warm()
    {
        try
        {
            _ = Default;
            foreach (var c in _all) _ = c.Context;
        }
        catch (Exception e)
        {
            Log.Error("Unable to prepare a TLS certificate", ("error", e.Message));
        }
    }

    /// <summary>Whether one of the certificate's DNS names covers <paramref name="host"/> (exact, or a wildcard one label up).</summary>
    public static bool Covers(IEnumerable<string> names, string host)
    {
        foreach (var n in names)
        {
            if (string.Equals(n, host, StringComparison.OrdinalIgnoreCase)) return true;
            var dot = host.IndexOf('.');
            if (n.StartsWith("*.", StringComparison.Ordinal) && dot > 0 && string.Equals(n[2..], host[(dot + 1)..], StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>Whether a certificate other than the default one exists for this name.</summary>
    public bool Has(string serverName)
    {
        if (string.IsNullOrEmpty(serverName)) return false;
        var name = serverName.TrimEnd('.');
        var dot = name.IndexOf('.');
        return _exact.ContainsKey(name) || (dot > 0 && _wildcard.ContainsKey(name[(dot + 1)..]) && OwnsName(name[(dot + 1)..], name));
    }

    private static ParsedCertificate? Parse(CertAndStores c)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(c.CertFile + "\n" + c.KeyFile)));
        lock (ParseCache)
        {
            if (ParseCache.TryGetValue(key, out var cached))
            {
                ParseCache[key] = (cached.Parsed, _sweep);
                return cached.Parsed;
            }
            ParsedCertificate? ctx = null;
            try
            {
                var cert = Edge.Security.PemMaterial.ForSslStream(X509Certificate2.CreateFromPem(c.CertFile, c.KeyFile));
                var chain = new X509Certificate2Collection();
                chain.ImportFromPem(c.CertFile);
                if (chain.Count > 0) chain.RemoveAt(0);
                ctx = new ParsedCertificate(cert, chain);
            }
            catch (Exception e)
            {
                // Anything a malformed PEM throws: the certificate is skipped, the others still load.
                Log.Error("Unable to parse TLS certificate, skipping it", ("secret", c.SourceSecret ?? "?"), ("error", e.Message));
            }
            if (ParseCache.Count > 10_000) ParseCache.Clear();
            ParseCache[key] = (ctx, _sweep);
            return ctx;
        }
    }

    /// <summary>
    /// The TLSStore "default" defaultCertificate as the default certificate (Traefik's store), or
    /// null when none is configured or it does not parse (logged; the generated one is used).
    /// </summary>
    public static Lazy<SslStreamCertificateContext>? FromStore(TlsStore? store)
    {
        if (store?.DefaultCertificate is not { } c) return null;
        var parsed = Parse(new CertAndStores
        {
            CertFile = Edge.Security.PemMaterial.Read(c.CertFile), KeyFile = Edge.Security.PemMaterial.Read(c.KeyFile), SourceSecret = "tls.stores.default",
        });
        return parsed is null ? null : new Lazy<SslStreamCertificateContext>(() => parsed.Context, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Ends a generation (called by the data plane after compiling a configuration): forgets the
    /// certificates it did not name. Without it every rotated or deleted Secret's certificate and
    /// key stayed parsed until 10,000 had accumulated. Not disposed: a handshake in flight or a
    /// state not yet collected may still use one.
    /// </summary>
    public static void Sweep()
    {
        lock (ParseCache)
        {
            foreach (var key in ParseCache.Where(kv => kv.Value.Stamp < _sweep).Select(kv => kv.Key).ToList()) ParseCache.Remove(key);
            _sweep++;
        }
    }

    /// <summary>DNS names of a certificate: its SANs, else its CN.</summary>
    public static List<string> Names(X509Certificate2 cert)
    {
        var names = new List<string>();
        foreach (var ext in cert.Extensions)
            if (ext is X509SubjectAlternativeNameExtension san)
                names.AddRange(san.EnumerateDnsNames());
        if (names.Count == 0)
        {
            var cn = cert.GetNameInfo(X509NameType.SimpleName, false);
            if (!string.IsNullOrEmpty(cn)) names.Add(cn);
        }
        return names;
    }

    /// <summary>
    /// Traefik's fallback, a self-signed "TRAEFIK DEFAULT CERT", created on first use: building a
    /// context reads the system trust store (about 150 files, ~100 ms of CPU), which must not delay
    /// the first routed request. <see cref="Warm"/> builds it in the background after the start.
    /// </summary>
    public static Lazy<SslStreamCertificateContext> CreateDefaultLazy() =>
        new(CreateDefault, LazyThreadSafetyMode.ExecutionAndPublication);

    public static SslStreamCertificateContext CreateDefault()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=TRAEFIK DEFAULT CERT", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("TRAEFIK DEFAULT CERT".Replace(' ', '-').ToLowerInvariant() + ".invalid");
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        var cert = Edge.Security.PemMaterial.ForSslStream(req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)));
        return SslStreamCertificateContext.Create(cert, null, offline: true);
    }
}
