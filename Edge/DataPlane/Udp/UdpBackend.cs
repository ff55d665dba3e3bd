using Edge.DataPlane.Forwarding;
using Edge.Model;

namespace Edge.DataPlane.Udp;

/// <summary>
/// A compiled UDP service (Traefik's pkg/server/service/udp): a load balancer of server addresses
/// (round robin per new session) or a weighted split between other UDP services (smooth weighted
/// round robin). Picks the server a new session goes to.
/// </summary>
public sealed class UdpBackend
{
    private readonly string[] _addresses = [];
    private readonly UdpBackend[] _children = [];
    private readonly WeightedRoundRobin _balancer;

    private UdpBackend(string name, string[] addresses, UdpBackend[] children, int[] weights)
    {
        Name = name;
        _addresses = addresses;
        _children = children;
        _balancer = new WeightedRoundRobin(weights);
    }

    public string Name { get; }

    /// <summary>The address of the server a new session goes to; null when there is none.</summary>
    public string? Pick()
    {
        int i = _balancer.Pick();
        if (i < 0) return null;
        return _children.Length > 0 ? _children[i].Pick() : _addresses[i];
    }

    /// <summary>Why each UDP router cannot be served, with Traefik's texts (pkg/server/router/udp, service/udp).</summary>
    public static Dictionary<string, string> RouterErrors(UdpConfig? udp)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (udp is null) return errors;
        foreach (var (name, router) in udp.Routers)
        {
            if (router.Service.Length == 0) errors[name] = "the service is missing on the udp router";
            else if (ServiceError(udp, ProviderNames.Resolve(router.Service, name), name) is { } e) errors[name] = e;
        }
        return errors;
    }

    public static string? ServiceError(UdpConfig udp, string key, string owner, int depth = 0)
    {
        var shown = ProviderNames.Qualify(key, ProviderNames.ProviderOf(owner));
        if (depth > 32) return $"the UDP service \"{shown}\": too many nested services (a loop?)";
        if (!udp.Services.TryGetValue(key, out var s)) return $"the UDP service \"{shown}\" does not exist";
        if (s.LoadBalancer is not null && s.Weighted is not null) return "cannot create service: multi-types service not supported, consider declaring two different pieces of service instead";
        if (s.LoadBalancer is { } lb)
        {
            foreach (var server in lb.Servers ?? [])
                if (server.Address.LastIndexOf(':') <= 0) return $"the UDP service \"{shown}\": address {server.Address}: missing port in address";
            return null;
        }
        if (s.Weighted is { } w)
        {
            foreach (var child in w.Services ?? [])
                if (ServiceError(udp, ProviderNames.Resolve(child.Name, key), key, depth + 1) is { } e) return e;
            return null;
        }
        return $"the UDP service \"{shown}\" does not have any type defined";
    }

    /// <summary>The backend of <paramref name="key"/>, or null if it has an error (see <see cref="ServiceError"/>).</summary>
    public static UdpBackend? Build(UdpConfig udp, string key, int depth = 0)
    {
        if (depth > 32 || !udp.Services.TryGetValue(key, out var s) || ServiceError(udp, key, key) is not null) return null;
        if (s.LoadBalancer is { } lb)
        {
            var addresses = (lb.Servers ?? []).Select(x => x.Address).ToArray();
            return new UdpBackend(key, addresses, [], addresses.Select(_ => 1).ToArray());
        }
        var children = new List<UdpBackend>();
        var weights = new List<int>();
        foreach (var child in s.Weighted!.Services ?? [])
        {
            if (child.Weight is <= 0) continue;   // weight 0: never picked
            var c = Build(udp, ProviderNames.Resolve(child.Name, key), depth + 1);
            if (c is null) return null;
            children.Add(c);
            weights.Add(child.Weight ?? 1);
        }
        return new UdpBackend(key, [], [.. children], [.. weights]);
    }
}
