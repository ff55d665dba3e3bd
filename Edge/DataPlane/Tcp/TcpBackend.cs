using Edge.DataPlane.Forwarding;
using Edge.Model;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// A compiled TCP service: a load balancer of server addresses (round robin) or a weighted split
/// between other TCP services (smooth weighted round robin, as Traefik's tcp wrr). Picks the
/// server a connection goes to; its leaf's <see cref="TcpDialer"/> reaches it.
/// </summary>
public sealed class TcpBackend
{
    private readonly TcpServer[] _servers = [];
    private readonly TcpBackend[] _children = [];
    private readonly WeightedRoundRobin _balancer;

    public TcpBackend(string name, TcpServer[] servers, TcpDialer dialer)
    {
        Name = name;
        _servers = servers;
        Dialer = dialer;
        _balancer = new WeightedRoundRobin(servers.Select(_ => 1).ToArray());
    }

    public TcpBackend(string name, TcpBackend[] children, int[] weights)
    {
        Name = name;
        _children = children;
        _balancer = new WeightedRoundRobin(weights);
    }

    public string Name { get; }

    /// <summary>How a leaf reaches its servers (null on a weighted service).</summary>
    public TcpDialer? Dialer { get; }

    /// <summary>The server a new connection goes to, with the leaf service that owns it; null when there is none.</summary>
    public (TcpServer Server, TcpBackend Leaf)? Pick()
    {
        int i = _balancer.Pick();
        if (i < 0) return null;
        return _children.Length > 0 ? _children[i].Pick() : (_servers[i], this);
    }

    /// <summary>Builds every service of the configuration; a service that cannot be built is absent (its routers are in error, see <see cref="TcpRouterCheck"/>).</summary>
    public static Dictionary<string, TcpBackend> BuildAll(TcpConfig tcp)
    {
        var built = new Dictionary<string, TcpBackend>(StringComparer.Ordinal);
        foreach (var name in tcp.Services.Keys) Build(tcp, name, built, 0);
        return built;
    }

    private static TcpBackend? Build(TcpConfig tcp, string name, Dictionary<string, TcpBackend> built, int depth)
    {
        if (built.TryGetValue(name, out var done)) return done;
        if (depth > 32 || !tcp.Services.TryGetValue(name, out var service) || TcpRouterCheck.ServiceError(tcp, name, name) is not null) return null;
        TcpBackend backend;
        if (service.LoadBalancer is { } lb)
        {
            var dialer = TcpRouterCheck.Dialer(tcp, lb, name, out var error);
            if (dialer is null) return null;
            backend = new TcpBackend(name, [.. lb.Servers ?? []], dialer);
        }
        else
        {
            var children = new List<TcpBackend>();
            var weights = new List<int>();
            foreach (var child in service.Weighted!.Services ?? [])
            {
                if (child.Weight is <= 0) continue;   // weight 0: never picked
                var c = Build(tcp, ProviderNames.Resolve(child.Name, name), built, depth + 1);
                if (c is null) return null;
                children.Add(c);
                weights.Add(child.Weight ?? 1);
            }
            backend = new TcpBackend(name, [.. children], [.. weights]);
        }
        built[name] = backend;
        return backend;
    }
}
