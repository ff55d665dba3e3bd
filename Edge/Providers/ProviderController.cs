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
/// One provider's loop: waits for its own informers' first sync, then on every change (coalesced
/// by its throttle) snapshots the caches, translates, hands the configuration to the aggregator,
/// and, once that is served, writes Ingress statuses and Events. Each provider has its own loop,
/// so one provider's slow or broken input never delays another's. A problem with one object is
/// logged once (while it persists) and never stops the loop.
/// </summary>
/// <param name="name">The provider's name (<c>kubernetes</c>, <c>kubernetescrd</c>): how its objects are qualified.</param>
/// <param name="synced">Whether the informers this provider reads have had their first full list.</param>
public sealed class ProviderController(
    string name,
    ClusterCache cache,
    Func<bool> synced,
    Func<ClusterSnapshot, TranslationOutput> translate,
    ConfigurationAggregator aggregator,
    IngressStatusWriter? statusWriter,
    TimeSpan throttle,
    EventRecorder? events = null,
    Func<bool>? isLeader = null)
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
                if (!synced()) continue;   // the first full sync signals again when it completes
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
            if (!_loggedIssues.Contains(issue)) Log.Error(issue, ("providerName", name));
        _loggedIssues = current;

        var translated = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        // Returns once the merged configuration holding this one is served by the data plane.
        try
        {
            await aggregator.UpdateAsync(name, output.Config, output.Issues).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The merge failed (logged by the aggregator): nothing new is served, so no status is written.
            Log.Debug("Configuration not applied", ("providerName", name), ("error", e.Message));
            return;
        }
        // Where a change's time goes (issue: performance): snapshot, translation, then the data
        // plane's compilation and the other consumers of the new configuration.
        Log.Debug("Configuration applied", ("providerName", name), ("routers", output.Config.Http.Routers.Count), ("services", output.Config.Http.Services.Count),
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
