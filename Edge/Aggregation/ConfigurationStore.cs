using Edge.Model;

namespace Edge.Aggregation;

/// <summary>One applied configuration: what the API shows and the data plane compiles.</summary>
public sealed record AppliedConfiguration(DynamicConfig Config, IReadOnlyList<string> Issues, long Generation, DateTimeOffset AppliedAt);

/// <summary>
/// Holds the current configuration behind one reference. Readers (API, route table compiler) take
/// the reference; the provider replaces it whole, so nobody ever sees a half-applied state.
/// </summary>
public sealed class ConfigurationStore
{
    private AppliedConfiguration _current = new(new DynamicConfig(), [], 0, DateTimeOffset.UtcNow);

    public AppliedConfiguration Current => Volatile.Read(ref _current);

    /// <summary>
    /// Raised for every new configuration on the provider's thread, before it becomes
    /// <see cref="Current"/>: when the API shows a configuration, the data plane already serves it.
    /// </summary>
    public event Action<AppliedConfiguration>? Changed;

    public long ReloadCount { get; private set; }

    public void Publish(DynamicConfig config, IReadOnlyList<string> issues)
    {
        var next = new AppliedConfiguration(config, issues, Current.Generation + 1, DateTimeOffset.UtcNow);
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<AppliedConfiguration>)handler)(next);
            }
            catch (Exception e)
            {
                // One consumer failing (a bug) must not stop the others nor the provider loop.
                Edge.Observability.Logging.Log.Error("Error applying configuration", ("error", e.ToString()));
            }
        }
        Volatile.Write(ref _current, next);
        ReloadCount++;
    }
}
