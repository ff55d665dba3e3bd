using Edge.Observability.Logging;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// Records tenancy warnings as Kubernetes Events (core/v1, type Warning) on the Ingress they are
/// about, in its own namespace: the tenant sees why its rules are not served with
/// <c>kubectl describe ingress</c>, without access to the proxy's logs. A warning is recorded once
/// while it persists, and again if it goes away and comes back.
/// </summary>
public sealed class EventRecorder(KubeApi api, string instance)
{
    public const string Component = "edge";
    private HashSet<string> _active = new(StringComparer.Ordinal);
    private static long _sequence;

    public async Task RecordAsync(IReadOnlyList<IngressWarning> warnings, CancellationToken ct)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in warnings)
        {
            var key = (w.Ingress.Metadata?.Uid ?? "") + "|" + Id(w.Ingress) + "|" + w.Reason + "|" + w.Message;
            current.Add(key);
            if (_active.Contains(key)) continue;
            if (!await CreateAsync(w, ct).ConfigureAwait(false)) current.Remove(key);   // try again next time
        }
        _active = current;
    }

    private async Task<bool> CreateAsync(IngressWarning w, CancellationToken ct)
    {
        var meta = w.Ingress.Metadata;
        var ns = meta?.NamespaceProperty ?? "default";
        var now = DateTime.UtcNow;
        var ev = new Corev1Event
        {
            ApiVersion = "v1", Kind = "Event",
            // kubectl's naming: <object>.<unique hex>.
            Metadata = new V1ObjectMeta { Name = $"{meta?.Name}.{now.Ticks:x}{Interlocked.Increment(ref _sequence):x}", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = "networking.k8s.io/v1", Kind = "Ingress", Name = meta?.Name, NamespaceProperty = ns,
                Uid = meta?.Uid, ResourceVersion = meta?.ResourceVersion,
            },
            Reason = w.Reason, Message = w.Message, Type = "Warning", Count = 1,
            FirstTimestamp = now, LastTimestamp = now, EventTime = now,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component, ReportingInstance = instance, Action = "Route",
        };
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(api.RequestTimeout);
            await api.WriteJsonAsync(HttpMethod.Post, $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/events", ev, KubeJsonContext.Default.Corev1Event,
                cts.Token).ConfigureAwait(false);
            Log.Info("Recorded event", ("ingress", Id(w.Ingress)), ("reason", w.Reason));
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Log.Error("Cannot record event", ("ingress", Id(w.Ingress)), ("reason", w.Reason), ("error", e.Message));
            return false;
        }
    }

    private static string Id(V1Ingress i) => (i.Metadata?.NamespaceProperty ?? "default") + "/" + i.Metadata?.Name;
}
