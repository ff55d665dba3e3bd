using Edge.Aggregation;
using Edge.Configuration;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Udp;

/// <summary>
/// Traefik's UDP routing: each UDP entry point (address "…/udp") has one listener; its router is the
/// one of the entry point's routers that can be served, the last by name (Traefik sorts them in
/// descending order and takes the first, warning when there are several). Recomputed on every
/// configuration change; sessions in flight keep the server they started with.
/// </summary>
public sealed class UdpRouting : IAsyncDisposable
{
    private readonly StaticConfig _config;
    private readonly Dictionary<string, UdpListener> _listeners = new(StringComparer.Ordinal);
    private Dictionary<string, (string Router, UdpBackend Backend)> _state = new(StringComparer.Ordinal);

    public UdpRouting(StaticConfig config, ConfigurationStore store)
    {
        _config = config;
        foreach (var ep in config.EntryPoints.Values.Where(e => e.IsUdp))
        {
            var address = EntryPointAddress.Parse(ep.Name, ep.Address);
            _listeners[ep.Name] = new UdpListener(ep.Name, address, ep.UdpTimeout, () => Current(ep.Name));
        }
        Apply(store.Current.Config);
        store.Changed += applied => Apply(applied.Config);
    }

    /// <summary>Binds every UDP entry point; a port that cannot be bound is an error naming the entry point.</summary>
    public void Start()
    {
        foreach (var l in _listeners.Values) l.Start();
    }

    private (string Router, UdpBackend Backend)? Current(string entryPoint) =>
        Volatile.Read(ref _state).TryGetValue(entryPoint, out var s) ? s : null;

    private void Apply(DynamicConfig config)
    {
        var next = new Dictionary<string, (string, UdpBackend)>(StringComparer.Ordinal);
        var errors = UdpBackend.RouterErrors(config.Udp);
        foreach (var (name, error) in errors)
            Log.Error("UDP router in error, it is not served", ("router", ProviderNames.Qualify(name)), ("error", error));
        if (config.Udp is { } udp)
        {
            var defaults = _config.EntryPoints.Values.Where(e => e.IsUdp).Select(e => e.Name).ToList();
            foreach (var ep in _listeners.Keys)
            {
                var routers = udp.Routers.Where(r => (r.Value.EntryPoints is { Count: > 0 } eps ? eps : defaults).Contains(ep, StringComparer.Ordinal))
                    .Select(r => r.Key).OrderByDescending(n => n, StringComparer.Ordinal).ToList();
                if (routers.Count > 1) Log.Warn("Config has more than one udp router for a given entrypoint.", ("entryPointName", ep));
                foreach (var r in routers)
                {
                    if (errors.ContainsKey(r)) continue;
                    if (UdpBackend.Build(udp, ProviderNames.Resolve(udp.Routers[r].Service, r)) is { } backend)
                    {
                        next[ep] = (r, backend);
                        break;
                    }
                }
            }
        }
        Volatile.Write(ref _state, next);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var l in _listeners.Values) await l.DisposeAsync();
    }
}
