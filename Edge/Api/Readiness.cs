namespace Edge.Api;

/// <summary>
/// Whether every enabled provider has had its first configuration applied to the data plane.
/// /ping answers 503 until then (unless ping.waitForConfiguration=false): a pod that listens but
/// has no routes yet must not receive traffic (the bug Traefik users report as traefik#10458).
/// Providers register at start and report each applied configuration; the first report counts.
/// </summary>
public sealed class Readiness
{
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private volatile bool _configured = true;

    /// <summary>True once no registered provider is still waiting for its first configuration.</summary>
    public bool Configured => _configured;

    /// <summary>Registers a provider whose first configuration /ping waits for.</summary>
    public void Expect(string provider)
    {
        lock (_lock)
        {
            _pending.Add(provider);
            _configured = false;
        }
    }

    /// <summary>Called after a provider's configuration is published (the data plane already serves it).</summary>
    public void Applied(string provider)
    {
        if (_configured) return;
        lock (_lock)
        {
            if (!_pending.Remove(provider)) return;
            if (_pending.Count > 0) return;
            _configured = true;
        }
        Edge.Observability.Logging.Log.Info("Every provider's first configuration is applied: /ping answers 200");
    }
}
