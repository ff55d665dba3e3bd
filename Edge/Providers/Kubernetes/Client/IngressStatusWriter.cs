using System.Text.Json;
using Edge.Observability.Logging;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// Writes <c>status.loadBalancer.ingress</c> through the status subresource, only when it differs from
/// what the Ingress already carries, as a JSON merge patch (no resourceVersion conflicts with
/// other writers of the object).
/// </summary>
public sealed class IngressStatusWriter(KubeApi api)
{
    // What we last wrote, per Ingress uid: until the informer sees our write, the cached object
    // still shows the old status and we would write again.
    private readonly Dictionary<string, string> _written = new();

    /// <summary>Forgets what was written (a new leader re-checks every Ingress against the API server's view).</summary>
    public void Forget() => _written.Clear();

    /// <summary>Ingresses whose written status is remembered (for /debug/vars).</summary>
    public int Count => _written.Count;

    /// <summary>
    /// Forgets the Ingresses not in this translation (deleted, or no longer ours): without it the
    /// map keeps one entry per Ingress uid ever seen, which grows without bound under churn.
    /// </summary>
    public void Retain(IEnumerable<V1Ingress> current)
    {
        var keep = new HashSet<string>(current.Select(Key), StringComparer.Ordinal);
        foreach (var uid in _written.Keys.Where(k => !keep.Contains(k)).ToList()) _written.Remove(uid);
    }

    private static string Key(V1Ingress i) => i.Metadata?.Uid ?? (i.Metadata?.NamespaceProperty ?? "default") + "/" + i.Metadata?.Name;

    public async Task WriteAsync(V1Ingress ingress, IList<V1IngressLoadBalancerIngress> desired, CancellationToken ct)
    {
        var ns = ingress.Metadata?.NamespaceProperty ?? "default";
        var name = ingress.Metadata?.Name ?? "";
        var desiredJson = Canonical(desired);
        var currentJson = Canonical(ingress.Status?.LoadBalancer?.Ingress ?? []);
        var uid = Key(ingress);
        if (desiredJson == currentJson) { _written[uid] = desiredJson; return; }
        if (_written.TryGetValue(uid, out var last) && last == desiredJson) return;

        var patch = "{\"status\":{\"loadBalancer\":{\"ingress\":" + desiredJson + "}}}";
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(api.RequestTimeout);
            await api.PatchMergeAsync($"/apis/networking.k8s.io/v1/namespaces/{Uri.EscapeDataString(ns)}/ingresses/{Uri.EscapeDataString(name)}/status",
                patch, cts.Token).ConfigureAwait(false);
            _written[uid] = desiredJson;
            Log.Debug("Updated Ingress status", ("ingress", ns + "/" + name), ("status", desiredJson));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Log.Error("Error while updating ingress status", ("ingress", ns + "/" + name), ("error", e.Message));
        }
    }

    /// <summary>A stable JSON form of a status list, for comparison and for the patch body.</summary>
    public static string Canonical(IEnumerable<V1IngressLoadBalancerIngress> items)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var i in items)
            {
                w.WriteStartObject();
                if (!string.IsNullOrEmpty(i.Hostname)) w.WriteString("hostname", i.Hostname);
                if (!string.IsNullOrEmpty(i.Ip)) w.WriteString("ip", i.Ip);
                if (i.Ports is { Count: > 0 })
                {
                    w.WriteStartArray("ports");
                    foreach (var p in i.Ports)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("port", p.Port);
                        if (!string.IsNullOrEmpty(p.Protocol)) w.WriteString("protocol", p.Protocol);
                        if (!string.IsNullOrEmpty(p.Error)) w.WriteString("error", p.Error);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
