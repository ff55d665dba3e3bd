using Edge.DataPlane.Forwarding;
using Edge.Model;

namespace Edge.DataPlane.Health;

/// <summary>
/// The health checkers of one configuration: one per load balancer with a healthCheck, started
/// when that configuration is swapped in and stopped when the next one replaces it (Traefik
/// cancels its checkers' context on every reload), so none outlives its configuration.
/// </summary>
public sealed class HealthCheckSet : IDisposable
{
    private readonly List<ServiceHealthChecker> _checkers = new();
    private readonly CancellationTokenSource _stop = new();
    private int _started;

    public IReadOnlyList<ServiceHealthChecker> Checkers => _checkers;

    public HealthCheckSet(IReadOnlyDictionary<string, BackendService> services, BackendTransports transports)
    {
        foreach (var (name, service) in services)
            if (service.Kind == ServiceKind.LoadBalancer && service.HealthCheck is not null && service.Servers.Length > 0)
                _checkers.Add(new ServiceHealthChecker(service, ProviderNames.Qualify(name), transports.ClientFor(service)));
    }

    /// <summary>Tasks of the running loops (for tests: they end once <see cref="Dispose"/> stops them).</summary>
    public Task Running { get; private set; } = Task.CompletedTask;

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0 || _checkers.Count == 0) return;
        Running = Task.WhenAll(_checkers.Select(c => Task.Run(() => c.RunAsync(_stop.Token))));
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
    }
}
