using System.Net;
using Edge.Configuration;
using Edge.Observability.Logging;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: the
/// holder renews <c>renewTime</c> every retry period with the Lease's resourceVersion as a
/// precondition (two writers cannot both win); a candidate takes the Lease over only when it has
/// seen no change to it for a whole lease duration, measured on its own clock, so clock skew
/// between nodes does not matter. A leader that cannot renew within the renew deadline stops
/// acting as leader before anyone else may take over. On a clean stop it releases the Lease so the
/// next replica takes over at once. Only status writes depend on it; routing never does.
/// </summary>
public sealed class LeaderElector(KubeApi api, LeaderElectionOptions options, string ns, string identity)
{
    private volatile bool _isLeader;
    private string? _observedRecord;        // holder|renewTime|resourceVersion last seen
    private DateTime _observedAt;           // our clock when it last changed
    private DateTime _lastRenew;

    public string Identity { get; } = identity;
    public bool IsLeader => _isLeader;

    /// <summary>Raised (on the election loop) whenever leadership is gained or lost.</summary>
    public event Action<bool>? LeadershipChanged;

    public async Task RunAsync(CancellationToken ct)
    {
        Log.Info("Leader election started", ("lease", ns + "/" + options.LeaseName), ("identity", Identity));
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await TryAcquireOrRenewAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Log.Debug("Leader election attempt failed", ("lease", ns + "/" + options.LeaseName), ("error", e.Message));
            }
            if (_isLeader && DateTime.UtcNow - _lastRenew > options.RenewDeadline)
                SetLeader(false, "could not renew the lease within renewDeadline");
            try { await Task.Delay(options.RetryPeriod, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
        if (_isLeader) await ReleaseAsync().ConfigureAwait(false);
    }

    private async Task TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        V1Lease? lease;
        try
        {
            lease = await Call(t => api.GetJsonAsync(LeasePath, KubeJsonContext.Default.V1Lease, t), ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            lease = null;
        }

        if (lease is null)
        {
            var created = new V1Lease
            {
                ApiVersion = "coordination.k8s.io/v1", Kind = "Lease",
                Metadata = new V1ObjectMeta { Name = options.LeaseName, NamespaceProperty = ns },
                Spec = Spec(null, now, transitions: 0),
            };
            await Call(t => api.WriteJsonAsync(HttpMethod.Post, $"/apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(ns)}/leases",
                created, KubeJsonContext.Default.V1Lease, t), ct).ConfigureAwait(false);
            Renewed(now);
            return;
        }

        var spec = lease.Spec ?? new V1LeaseSpec();
        var record = $"{spec.HolderIdentity}|{spec.RenewTime:O}|{lease.Metadata?.ResourceVersion}";
        if (record != _observedRecord) { _observedRecord = record; _observedAt = now; }

        var holder = spec.HolderIdentity ?? "";
        var duration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? (int)options.LeaseDuration.TotalSeconds);
        bool mine = holder == Identity;
        bool expired = holder.Length == 0 || now - _observedAt > duration;
        if (!mine && !expired)
        {
            if (_isLeader) SetLeader(false, $"the lease is held by {holder}");
            return;
        }
        lease.Spec = Spec(mine ? spec : null, now, (spec.LeaseTransitions ?? 0) + (mine ? 0 : 1));
        // resourceVersion stays in metadata: a concurrent writer makes this a 409 and we lose the race.
        var updated = await Call(t => api.WriteJsonAsync(HttpMethod.Put, LeasePath, lease, KubeJsonContext.Default.V1Lease, t), ct).ConfigureAwait(false);
        _observedRecord = $"{updated.Spec?.HolderIdentity}|{updated.Spec?.RenewTime:O}|{updated.Metadata?.ResourceVersion}";
        _observedAt = now;
        Renewed(now);
    }

    private string LeasePath => $"/apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(ns)}/leases/{Uri.EscapeDataString(options.LeaseName)}";

    private V1LeaseSpec Spec(V1LeaseSpec? current, DateTime now, int transitions) => new()
    {
        HolderIdentity = Identity,
        LeaseDurationSeconds = (int)Math.Ceiling(options.LeaseDuration.TotalSeconds),
        AcquireTime = current?.AcquireTime ?? now,
        RenewTime = now,
        LeaseTransitions = transitions,
    };

    private void Renewed(DateTime now)
    {
        _lastRenew = now;
        if (!_isLeader) SetLeader(true, "acquired the lease");
    }

    private void SetLeader(bool leader, string why)
    {
        _isLeader = leader;
        Log.Info(leader ? "Became leader" : "Stopped being leader", ("lease", ns + "/" + options.LeaseName), ("identity", Identity), ("reason", why));
        try { LeadershipChanged?.Invoke(leader); }
        catch (Exception e) { Log.Error("Leadership change handler failed", ("error", e.Message)); }
    }

    /// <summary>Hands the Lease over at once on a clean stop (client-go's ReleaseOnCancel).</summary>
    private async Task ReleaseAsync()
    {
        _isLeader = false;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var lease = await api.GetJsonAsync(LeasePath, KubeJsonContext.Default.V1Lease, cts.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != Identity) return;
            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = DateTime.UtcNow;
            await api.WriteJsonAsync(HttpMethod.Put, LeasePath, lease, KubeJsonContext.Default.V1Lease, cts.Token).ConfigureAwait(false);
            Log.Info("Released the lease", ("lease", ns + "/" + options.LeaseName), ("identity", Identity));
        }
        catch (Exception e)
        {
            Log.Debug("Could not release the lease", ("error", e.Message));
        }
    }

    private async Task<T> Call<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(options.RenewDeadline < api.RequestTimeout ? options.RenewDeadline : api.RequestTimeout);
        return await call(cts.Token).ConfigureAwait(false);
    }

    /// <summary>The Lease namespace: the option, else POD_NAMESPACE, else the client's namespace (service account or kubeconfig), else default.</summary>
    public static string ResolveNamespace(LeaderElectionOptions options, string? clientNamespace, Func<string, string?> getEnv) =>
        options.Namespace.Length > 0 ? options.Namespace
        : getEnv("POD_NAMESPACE") is { Length: > 0 } podNs ? podNs
        : !string.IsNullOrEmpty(clientNamespace) ? clientNamespace
        : "default";

    /// <summary>POD_NAME (the Downward API) or the host name, plus a random suffix so that two processes never share an identity.</summary>
    public static string NewIdentity(Func<string, string?> getEnv) =>
        (getEnv("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName) + "_" + Guid.NewGuid().ToString("N")[..8];
}
