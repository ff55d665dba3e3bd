using Edge.Aggregation;
using Edge.Configuration;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// The TCP routes the connection middleware reads: compiled off the connection path on every
/// configuration change and swapped in whole (connections in flight keep the routes they started with).
/// </summary>
public sealed class TcpRouting
{
    private readonly StaticConfig _config;
    private TcpRoutingState _state = TcpRoutingState.Empty;

    public TcpRouting(StaticConfig config, ConfigurationStore store)
    {
        _config = config;
        Apply(store.Current.Config);
        store.Changed += applied => Apply(applied.Config);
    }

    public TcpRoutingState State => Volatile.Read(ref _state);

    private void Apply(DynamicConfig config)
    {
        var next = TcpRoutingState.Compile(config, _config);
        foreach (var (name, error) in next.Errors)
            Log.Error("TCP router in error, it is not served", ("router", ProviderNames.Qualify(name)), ("error", error));
        Volatile.Write(ref _state, next);
    }
}
