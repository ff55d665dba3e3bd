using Edge.Configuration;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Ingress;

/// <summary>Binds the pure translator and status computation to the provider loop's output shape.</summary>
public static class TranslatorBinding
{
    public static TranslationOutput Translate(ClusterSnapshot snapshot, ProviderOptions options, TranslationMemo? memo = null)
    {
        var result = IngressTranslator.Translate(snapshot, options, memo);
        if (memo is not null && Edge.Observability.Logging.Log.Level <= Edge.Observability.Logging.LogLevel.Debug)
            Edge.Observability.Logging.Log.Debug("Ingresses translated", ("reused", memo.Reused), ("translated", memo.Translated));
        var issues = result.Issues.Select(i => i.ToString()).ToList();
        var updates = new List<(k8s.Models.V1Ingress, IList<k8s.Models.V1IngressLoadBalancerIngress>)>();
        var status = IngressStatusComputer.Compute(snapshot, options, out var error);
        if (error is not null) issues.Add("Error while updating ingress status: " + error);
        if (status is not null)
            foreach (var ingress in result.Processed) updates.Add((ingress, status));
        return new TranslationOutput(result.Config, issues, updates) { Warnings = result.Warnings };
    }
}
