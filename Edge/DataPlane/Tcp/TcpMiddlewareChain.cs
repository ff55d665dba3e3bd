using System.Collections.Concurrent;
using System.Net;
using Edge.DataPlane.Routing;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// A TCP router's middlewares (Traefik's MiddlewareTCP): ipAllowList closes a connection from an
/// address outside its sourceRange; inFlightConn closes one beyond <c>amount</c> simultaneous
/// connections from the same client IP. <see cref="TryEnter"/> is called before the server is dialed.
/// </summary>
public sealed class TcpMiddlewareChain
{
    public static readonly TcpMiddlewareChain Empty = new([]);
    private readonly IReadOnlyList<ITcpMiddleware> _steps;

    public TcpMiddlewareChain(IReadOnlyList<ITcpMiddleware> steps) => _steps = steps;

    /// <summary>Whether the connection may go on; when it may, the returned leases are released when it ends.</summary>
    public bool TryEnter(IPAddress? client, List<IDisposable> leases)
    {
        foreach (var step in _steps)
        {
            if (!step.TryEnter(client, out var lease)) return false;
            if (lease is not null) leases.Add(lease);
        }
        return true;
    }

    public static TcpMiddlewareChain Build(TcpConfig tcp, string routerName, IReadOnlyList<string>? names, Dictionary<string, ITcpMiddleware> built)
    {
        if (names is not { Count: > 0 }) return Empty;
        var steps = new List<ITcpMiddleware>();
        foreach (var n in names)
        {
            var key = ProviderNames.Resolve(n, routerName);
            if (!built.TryGetValue(key, out var step))
            {
                var m = tcp.Middlewares[key];
                built[key] = step = (m.IpAllowList ?? m.IpWhiteList) is { } allow
                    ? new IpAllowList(ProviderNames.Qualify(key), allow.SourceRange ?? [])
                    : new InFlightConn(ProviderNames.Qualify(key), m.InFlightConn!.Amount);
            }
            steps.Add(step);
        }
        return new TcpMiddlewareChain(steps);
    }
}

public interface ITcpMiddleware
{
    bool TryEnter(IPAddress? client, out IDisposable? lease);
}

/// <summary>Traefik's TCP ipAllowList: the client's address (the PROXY header's, if the entry point reads one) must be in sourceRange.</summary>
public sealed class IpAllowList(string name, IReadOnlyList<string> sourceRange) : ITcpMiddleware
{
    private readonly IpPrefix[] _ranges = sourceRange.Select(r => IpPrefix.TryParse(r.Trim(), out var p, out _) ? p : default).ToArray();

    public bool TryEnter(IPAddress? client, out IDisposable? lease)
    {
        lease = null;
        if (_ranges.Any(r => r.Contains(client))) return true;
        Log.Debug("Connection rejected by ipAllowList", ("middlewareName", name), ("remote", client));
        return false;
    }
}

/// <summary>Traefik's inFlightConn: at most <c>amount</c> simultaneous connections per client IP.</summary>
public sealed class InFlightConn(string name, long amount) : ITcpMiddleware
{
    private readonly ConcurrentDictionary<string, long> _open = new(StringComparer.Ordinal);

    public bool TryEnter(IPAddress? client, out IDisposable? lease)
    {
        var key = client?.ToString() ?? "";
        var now = _open.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (now > amount)
        {
            Release(key);
            lease = null;
            Log.Debug("Connection rejected by inFlightConn: maximum connections reached", ("middlewareName", name), ("remote", client), ("amount", amount));
            return false;
        }
        lease = new Lease(this, key);
        return true;
    }

    private void Release(string key)
    {
        if (_open.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0) _open.TryRemove(new KeyValuePair<string, long>(key, 0));
    }

    private sealed class Lease(InFlightConn owner, string key) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) owner.Release(key); }
    }
}
