using System.Threading.Channels;
using Edge.Aggregation;
using Edge.Model;
using Edge.Observability.Logging;
using Edge.Providers.Kubernetes.Client;
using k8s.Models;

namespace Edge.Providers;

/// <summary>What one translation produced: the configuration, the problems found, the statuses to write.</summary>
public sealed record TranslationOutput(
    DynamicConfig Config,
    IReadOnlyList<string> Issues,
    IReadOnlyList<(V1Ingress Ingress, IList<V1IngressLoadBalancerIngress> Status)> StatusUpdates)
{
    /// <summary>Tenancy mode: Kubernetes Events to record on Ingresses.</summary>
    public IReadOnlyList<IngressWarning> Warnings { get; init; } = [];
}

/// <summary>
/// The provider loop: waits for the caches' first sync, then on every change (coalesced by the
/// throttle) snapshots the caches, translates, publishes, and writes Ingress statuses. A problem
/// with one object is logged once (while it persists) and never stops the loop.
/// </summary>
public sealed class ProviderController(
    ClusterCache cache,
    Func<ClusterSnapshot, TranslationOutput> translate,
    ConfigurationStore store,
    IngressStatusWriter? statusWriter,
    TimeSpan throttle,
    EventRecorder? events = null,
    Func<bool>? isLeader = null,
    Action? applied = null)
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private HashSet<string> _loggedIssues = new();

    /// <summary>Called by informers on every change; never blocks.</summary>
    public void Signal() => _signal.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _signal.Reader.ReadAsync(ct).ConfigureAwait(false);
                if (!cache.Synced) continue;   // the first full sync signals again when it completes
                await ApplyOnceAsync(ct).ConfigureAwait(false);
                if (throttle > TimeSpan.Zero) await Task.Delay(throttle, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    public async Task ApplyOnceAsync(CancellationToken ct)
    {
        TranslationOutput output;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        TimeSpan snapshotTime;
        try
        {
            var snapshot = cache.Snapshot();
            snapshotTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            output = translate(snapshot);
        }
        catch (Exception e)
        {
            // A translator bug must not take the proxy down: keep serving the last configuration.
            Log.Error("Translation failed, keeping the previous configuration", ("error", e.ToString()));
            return;
        }
        var current = new HashSet<string>(output.Issues);
        foreach (var issue in output.Issues)
            if (!_loggedIssues.Contains(issue)) Log.Error(issue, ("providerName", "kubernetes"));
        _loggedIssues = current;

        var translated = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        store.Publish(output.Config, output.Issues);
        applied?.Invoke();   // readiness: the data plane serves this configuration now
        // Where a change's time goes (issue: performance): snapshot, translation, then the data
        // plane's compilation and the other consumers of the new configuration.
        Log.Debug("Configuration applied", ("routers", output.Config.Http.Routers.Count), ("services", output.Config.Http.Services.Count),
            ("snapshotMs", (long)snapshotTime.TotalMilliseconds), ("translateMs", (long)(translated - snapshotTime).TotalMilliseconds),
            ("publishMs", (long)(System.Diagnostics.Stopwatch.GetElapsedTime(started) - translated).TotalMilliseconds));

        // Writes to the API server come from one replica only when leader election is on;
        // every replica applies the configuration and routes.
        if (isLeader is not null && !isLeader()) return;

        if (events is not null) await events.RecordAsync(output.Warnings, ct).ConfigureAwait(false);

        if (statusWriter is not null)
        {
            foreach (var (ingress, status) in output.StatusUpdates)
                await statusWriter.WriteAsync(ingress, status, ct).ConfigureAwait(false);
            statusWriter.Retain(output.StatusUpdates.Select(u => u.Ingress));
        }
    }
}
