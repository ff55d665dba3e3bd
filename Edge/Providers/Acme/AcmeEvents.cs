using Edge.Observability.Logging;
using Edge.Providers.Kubernetes.Client;
using k8s.Models;

namespace Edge.Providers.Acme;

/// <summary>
/// Kubernetes Events for the orders of a resolver on the Kubernetes storage, recorded by the leader
/// (the only replica that orders) on the certificate's Secret in the storage namespace:
/// <c>CertificateObtained</c> and <c>CertificateRenewed</c> (Normal), <c>CertificateOrderFailed</c>
/// (Warning, with the CA's error), each naming the resolver, the domains and the routers, so
/// <c>kubectl -n &lt;ns&gt; get events</c> shows the lifecycle without the proxy's logs.
/// </summary>
public sealed class AcmeEvents(KubeApi api, string ns, string instance)
{
    private static long _sequence;

    public static string Reason(AcmeOrderOutcome o) => !o.Success ? "CertificateOrderFailed" : o.Kind == "new" ? "CertificateObtained" : "CertificateRenewed";

    public async Task RecordAsync(AcmeOrderOutcome o)
    {
        var secret = AcmeSecretMapping.CertificateName(o.Resolver, o.Domains.Split(',', StringSplitOptions.RemoveEmptyEntries));
        var now = DateTime.UtcNow;
        var message = (o.Success ? $"{(o.Kind == "new" ? "obtained" : "renewed")} the certificate" : $"unable to obtain the certificate ({o.Kind}): {o.Error}")
            + $" for {o.Domains} (resolver {o.Resolver}, routers {(o.Routers.Length > 0 ? o.Routers : "none")})";
        var ev = new Corev1Event
        {
            ApiVersion = "v1", Kind = "Event",
            Metadata = new V1ObjectMeta { Name = $"{secret}.{now.Ticks:x}{Interlocked.Increment(ref _sequence):x}", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Secret", Name = secret, NamespaceProperty = ns },
            Reason = Reason(o), Message = message.Length > 1000 ? message[..1000] : message, Type = o.Success ? "Normal" : "Warning", Count = 1,
            FirstTimestamp = now, LastTimestamp = now, EventTime = now,
            Source = new V1EventSource { Component = EventRecorder.Component },
            ReportingComponent = EventRecorder.Component, ReportingInstance = instance, Action = o.Kind == "new" ? "Order" : "Renew",
        };
        try
        {
            using var cts = new CancellationTokenSource(api.RequestTimeout);
            await api.WriteJsonAsync(HttpMethod.Post, $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/events", ev, KubeJsonContext.Default.Corev1Event, cts.Token);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or OperationCanceledException)
        {
            Log.Warn("Cannot record the ACME event", ("resolver", o.Resolver), ("domains", o.Domains), ("reason", Reason(o)), ("error", e.Message));
        }
    }
}
