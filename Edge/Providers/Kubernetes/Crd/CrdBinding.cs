using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// The CRD provider's translation as its loop runs it: its own configuration (Middlewares so far,
/// under their unqualified <c>namespace-name</c>; the aggregator adds <c>@kubernetescrd</c>).
/// </summary>
public static class CrdBinding
{
    public static TranslationOutput Translate(ClusterSnapshot snapshot, CrdProviderOptions options)
    {
        var issues = new List<TranslationIssue>();
        var config = new DynamicConfig();
        foreach (var (name, middleware) in MiddlewareTranslator.Translate(snapshot, options, issues, config.Http.Services))
            config.Http.Middlewares[name] = middleware;
        return new TranslationOutput(config, issues.Select(i => i.ToString()).ToList(), []);
    }
}
