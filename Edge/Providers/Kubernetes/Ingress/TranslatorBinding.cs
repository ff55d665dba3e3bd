using Edge.Configuration;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Ingress;

/// <summary>Binds the pure translator and status computation to the provider loop's output shape.</summary>
public static class TranslatorBinding
{
    /// <param name="crd">The CRD provider's options when it runs: its Middlewares join the configuration as <c>namespace-name@kubernetescrd</c>.</param>
    public static TranslationOutput Translate(ClusterSnapshot snapshot, ProviderOptions options, TranslationMemo? memo = null, CrdProviderOptions? crd = null)
    {
        var result = IngressTranslator.Translate(snapshot, options, memo);
        if (memo is not null && Edge.Observability.Logging.Log.Level <= Edge.Observability.Logging.LogLevel.Debug)
            Edge.Observability.Logging.Log.Debug("Ingresses translated", ("reused", memo.Reused), ("translated", memo.Translated));
        var issues = result.Issues.Select(i => i.ToString()).ToList();
        if (crd is not null)
        {
            var crdIssues = new List<TranslationIssue>();
            var middlewares = Edge.Providers.Kubernetes.Crd.MiddlewareTranslator.Translate(snapshot, crd, crdIssues);
            Aggregation.ProviderMerge.AddMiddlewares(result.Config, Edge.Providers.Kubernetes.Crd.MiddlewareTranslator.Provider, middlewares);
            issues.AddRange(crdIssues.Select(i => i.ToString()));
        }
        var updates = new List<(k8s.Models.V1Ingress, IList<k8s.Models.V1IngressLoadBalancerIngress>)>();
        var status = IngressStatusComputer.Compute(snapshot, options, out var error);
        if (error is not null) issues.Add("Error while updating ingress status: " + error);
        if (status is not null)
            foreach (var ingress in result.Processed) updates.Add((ingress, status));
        return new TranslationOutput(result.Config, issues, updates) { Warnings = result.Warnings };
    }
}
