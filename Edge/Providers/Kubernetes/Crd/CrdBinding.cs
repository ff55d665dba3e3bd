using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// The CRD provider's translation as its loop runs it: its own configuration (Middlewares, ServersTransports, TLSOptions, TLSStores,
/// under their unqualified <c>namespace-name</c>; the aggregator adds <c>@kubernetescrd</c>).
/// </summary>
public static class CrdBinding
{
    public static TranslationOutput Translate(ClusterSnapshot snapshot, CrdProviderOptions options)
    {
        var issues = new List<TranslationIssue>();
        var config = new DynamicConfig();
        foreach (var (name, middleware) in MiddlewareTranslator.Translate(snapshot, options, issues))
            config.Http.Middlewares[name] = middleware;
        foreach (var (name, transport) in ServersTransportTranslator.Translate(snapshot, issues))
            config.Http.ServersTransports[name] = transport;
        var storeCertificates = new List<CertAndStores>();
        var tlsOptions = TlsOptionTranslator.Translate(snapshot, issues);
        var stores = TlsStoreTranslator.Translate(snapshot, storeCertificates, issues);
        if (tlsOptions is not null || stores is not null || storeCertificates.Count > 0)
            config.Tls = new TlsConfig { Options = tlsOptions, Stores = stores, Certificates = storeCertificates };
        return new TranslationOutput(config, issues.Select(i => i.ToString()).ToList(), []);
    }
}
