using System.Net;
using System.Net.Sockets;
using Edge.DataPlane.Forwarding;
using Edge.Model;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// A compiled TCP service: a load balancer of server addresses (round robin) or a weighted split
/// between other TCP services (smooth weighted round robin, as Traefik's tcp wrr). Picks the
/// address a connection goes to and dials it.
/// </summary>
public sealed class TcpBackend
{
    private readonly string[] _addresses = [];
    private readonly TcpBackend[] _children = [];
    private readonly WeightedRoundRobin _balancer;

    public TcpBackend(string name, string[] addresses, int proxyProtocolVersion, TimeSpan terminationDelay)
    {
        Name = name;
        _addresses = addresses;
        ProxyProtocolVersion = proxyProtocolVersion;
        TerminationDelay = terminationDelay;
        _balancer = new WeightedRoundRobin(addresses.Select(_ => 1).ToArray());
    }

    public TcpBackend(string name, TcpBackend[] children, int[] weights)
    {
        Name = name;
        _children = children;
        _balancer = new WeightedRoundRobin(weights);
    }

    public string Name { get; }

    /// <summary>0: no PROXY header; 1 or 2: the version sent first to the server.</summary>
    public int ProxyProtocolVersion { get; }

    /// <summary>How long the other direction may still read once one side closed (Traefik's terminationDelay, 100 ms by default; negative: no limit).</summary>
    public TimeSpan TerminationDelay { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The server a new connection goes to, with the leaf service that owns it; null when there is none.</summary>
    public (string Address, TcpBackend Leaf)? Pick()
    {
        int i = _balancer.Pick();
        if (i < 0) return null;
        return _children.Length > 0 ? _children[i].Pick() : (_addresses[i], this);
    }

    /// <summary>Dials <paramref name="address"/> (host:port) within <paramref name="timeout"/>.</summary>
    public static async Task<Socket> DialAsync(string address, TimeSpan timeout, CancellationToken ct)
    {
        int colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port)) throw new SocketException((int)SocketError.AddressNotAvailable);
        var host = address[..colon].Trim('[', ']');
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (IPAddress.TryParse(host, out var ip)) await socket.ConnectAsync(new IPEndPoint(ip, port), cts.Token);
            else await socket.ConnectAsync(new DnsEndPoint(host, port), cts.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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
            var version = lb.ProxyProtocol is null ? 0 : lb.ProxyProtocol.Version == 0 ? 2 : lb.ProxyProtocol.Version;
            var delay = lb.TerminationDelay is { } ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromMilliseconds(100);
            backend = new TcpBackend(name, (lb.Servers ?? []).Select(s => s.Address).ToArray(), version, delay);
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
