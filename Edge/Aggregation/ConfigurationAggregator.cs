using System.Threading.Channels;
using Edge.Model;

namespace Edge.Aggregation;

/// <summary>
/// The hand-over between the providers and everything downstream. Each provider runs its own loop
/// and hands its latest configuration here; the aggregator merges the latest of every provider
/// (<see cref="ConfigurationMerge"/>) and publishes it, at most once per
/// <c>providers.providersThrottleDuration</c>. A provider that is slow, failing or not synced yet
/// only keeps its own last configuration (or none): the others' changes are published without it.
/// </summary>
public sealed class ConfigurationAggregator(ConfigurationStore store, TimeSpan throttle)
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly object _lock = new();
    private readonly Dictionary<string, (DynamicConfig Config, IReadOnlyList<string> Issues)> _latest = new(StringComparer.Ordinal);
    private readonly List<(string Provider, TaskCompletionSource Published)> _waiting = new();

    /// <summary>Raised after a publish for every provider whose configuration it included for the first time or anew.</summary>
    public event Action<string>? Applied;

    /// <summary>
    /// Hands over <paramref name="provider"/>'s whole configuration. The task completes once a
    /// merged configuration that includes it is published (the data plane serves it), so that a
    /// provider writes statuses only for what is served.
    /// </summary>
    public Task UpdateAsync(string provider, DynamicConfig config, IReadOnlyList<string> issues)
    {
        var published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _latest[provider] = (config, issues);
            _waiting.Add((provider, published));
        }
        _signal.Writer.TryWrite(true);
        return published.Task;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _signal.Reader.ReadAsync(ct).ConfigureAwait(false);
                PublishOnce();
                if (throttle > TimeSpan.Zero) await Task.Delay(throttle, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            lock (_lock) foreach (var (_, w) in _waiting) w.TrySetCanceled();
        }
    }

    /// <summary>The last merge that failed, until one succeeds (the dashboard shows it).</summary>
    public (DateTimeOffset At, string Error)? LastFailure { get; private set; }

    /// <summary>Merges what every provider handed over last and publishes it.</summary>
    public void PublishOnce()
    {
        Dictionary<string, DynamicConfig> configs;
        List<string> issues;
        List<(string Provider, TaskCompletionSource Published)> waiting;
        lock (_lock)
        {
            configs = _latest.ToDictionary(kv => kv.Key, kv => kv.Value.Config, StringComparer.Ordinal);
            issues = _latest.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Issues).ToList();
            waiting = [.. _waiting];
            _waiting.Clear();
        }
        try
        {
            store.Publish(ConfigurationMerge.Merge(configs), issues);
            LastFailure = null;
        }
        catch (Exception e)
        {
            // A merge bug must not stop the providers: they keep handing over, the next merge retries.
            Edge.Observability.Logging.Log.Error("Merging the providers' configurations failed, keeping the previous one", ("error", e.ToString()));
            LastFailure = (DateTimeOffset.UtcNow, e.Message);
            foreach (var (_, w) in waiting) w.TrySetException(e);
            return;
        }
        foreach (var provider in waiting.Select(w => w.Provider).Distinct())
            Applied?.Invoke(provider);
        foreach (var (_, w) in waiting) w.TrySetResult();
    }
}
