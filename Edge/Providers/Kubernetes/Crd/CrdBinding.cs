using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// The CRD provider's translation as its loop runs it: its own configuration (IngressRoutes,
/// TraefikServices, Middlewares, ServersTransports, TLSOptions, TLSStores and the certificates the
/// routes and stores name, under unqualified <c>namespace-name</c> names; the aggregator adds <c>@kubernetescrd</c>).
/// </summary>
public static class CrdBinding
{
    public static TranslationOutput Translate(ClusterSnapshot snapshot, CrdProviderOptions options)
    {
        var issues = new List<TranslationIssue>();
        var config = Build(snapshot, options, issues);
        return new TranslationOutput(config, issues.Select(i => i.ToString()).ToList(), []);
    }

    /// <summary>The provider's configuration; the problems found join <paramref name="issues"/> (the loop logs them, <c>edge render</c> lists them).</summary>
    public static DynamicConfig Build(ClusterSnapshot snapshot, CrdProviderOptions options, List<TranslationIssue> issues)
    {
        if (options.Tenancy is { } tenancy) snapshot = TenancyGuard.Restrict(snapshot, tenancy, issues);
        var config = new DynamicConfig();
        var certificates = new SortedDictionary<string, CertAndStores>(StringComparer.Ordinal);
        // Traefik's order: routes (and their services), then middlewares, then TraefikServices.
        IngressRouteTranslator.Translate(snapshot, options, config.Http, certificates, issues);
        foreach (var (name, middleware) in MiddlewareTranslator.Translate(snapshot, options, issues, config.Http.Services))
            config.Http.Middlewares[name] = middleware;
        TraefikServiceTranslator.Translate(snapshot, options, config.Http.Services, issues);
        var tcp = new TcpConfig();
        IngressRouteTcpTranslator.Translate(snapshot, options, tcp, certificates, issues);
        tcp.ServersTransports = ServersTransportTcpTranslator.Translate(snapshot, issues);
        if (!tcp.IsEmpty) config.Tcp = tcp;
        if (IngressRouteUdpTranslator.Translate(snapshot, options, issues) is { IsEmpty: false } udp) config.Udp = udp;
        foreach (var (name, transport) in ServersTransportTranslator.Translate(snapshot, issues))
            config.Http.ServersTransports[name] = transport;
        var storeCertificates = new List<CertAndStores>();
        var tlsOptions = TlsOptionTranslator.Translate(snapshot, issues);
        var stores = TlsStoreTranslator.Translate(snapshot, storeCertificates, issues);
        if (certificates.Count > 0 || tlsOptions is not null || stores is not null || storeCertificates.Count > 0)
            config.Tls = new TlsConfig { Options = tlsOptions, Stores = stores, Certificates = [.. certificates.Values, .. storeCertificates] };
        // Kinds Edge does not serve yet: named, never silently dropped.
        foreach (var o in snapshot.UnservedObjects)
            issues.Add(new TranslationIssue(o.Kind, o.Namespace, o.Name, $"{o.Kind} is not served by Edge yet; the object is ignored"));
        return config;
    }
}
