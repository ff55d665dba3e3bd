using System.Text.Json;
using Edge.Observability;
using k8s;
using k8s.Models;

namespace Edge.Kubernetes;

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

    public async Task WriteAsync(V1Ingress ingress, IList<V1IngressLoadBalancerIngress> desired, CancellationToken ct)
    {
        var ns = ingress.Metadata?.NamespaceProperty ?? "default";
        var name = ingress.Metadata?.Name ?? "";
        var desiredJson = Canonical(desired);
        var currentJson = Canonical(ingress.Status?.LoadBalancer?.Ingress ?? []);
        var uid = ingress.Metadata?.Uid ?? ns + "/" + name;
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
