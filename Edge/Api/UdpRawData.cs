using System.Text.Json.Serialization;
using Edge.DataPlane.Udp;
using Edge.Model;

namespace Edge.Api;

/// <summary>
/// The UDP part of /api/rawdata (<c>udpRouters</c>, <c>udpServices</c>) and of /api/udp/*: names
/// qualified, a router Edge cannot serve disabled with the reason (<see cref="UdpBackend.RouterErrors"/>,
/// the data plane's own).
/// </summary>
public static class UdpRawData
{
    public static void Add(RawData raw, DynamicConfig config, IReadOnlyList<string> udpEntryPoints)
    {
        if (config.Udp is not { IsEmpty: false } udp) return;
        var errors = UdpBackend.RouterErrors(udp);
        var usedBy = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        raw.UdpRouters = new(StringComparer.Ordinal);
        foreach (var (name, r) in udp.Routers)
        {
            var qualified = ProviderNames.Qualify(name);
            var eps = r.EntryPoints is { Count: > 0 } ? r.EntryPoints : udpEntryPoints.ToList();
            var info = new UdpRouterInfo { EntryPoints = eps, Service = r.Service, Using = eps.OrderBy(e => e, StringComparer.Ordinal).ToList() };
            if (errors.TryGetValue(name, out var error)) { info.Status = "disabled"; info.Error = [error]; }
            raw.UdpRouters[qualified] = info;
            if (r.Service.Length > 0)
            {
                var key = ProviderNames.Resolve(r.Service, name);
                if (!usedBy.TryGetValue(key, out var set)) usedBy[key] = set = new(StringComparer.Ordinal);
                set.Add(qualified);
            }
        }
        raw.UdpServices = new(StringComparer.Ordinal);
        foreach (var (name, s) in udp.Services)
        {
            var info = new UdpServiceInfo { LoadBalancer = s.LoadBalancer, Weighted = s.Weighted, UsedBy = usedBy.TryGetValue(name, out var u) ? u.ToList() : null };
            if (UdpBackend.ServiceError(udp, name, name) is { } error) { info.Status = "disabled"; info.Error = [error]; }
            else if (s.LoadBalancer?.Servers is { Count: > 0 } servers)
            {
                info.ServerStatus = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var srv in servers) info.ServerStatus[srv.Address] = "UP";
            }
            raw.UdpServices[ProviderNames.Qualify(name)] = info;
        }
    }

    public static List<UdpRouterInfo> Routers(RawData raw) => (raw.UdpRouters ?? []).Select(kv => new UdpRouterInfo
    {
        EntryPoints = kv.Value.EntryPoints, Service = kv.Value.Service, Error = kv.Value.Error, Status = kv.Value.Status,
        Using = kv.Value.Using, Name = kv.Key, Provider = ProviderNames.ProviderOf(kv.Key),
    }).ToList();

    public static List<UdpServiceInfo> Services(RawData raw) => (raw.UdpServices ?? []).Select(kv => new UdpServiceInfo
    {
        LoadBalancer = kv.Value.LoadBalancer, Weighted = kv.Value.Weighted, Error = kv.Value.Error, Status = kv.Value.Status,
        UsedBy = kv.Value.UsedBy, ServerStatus = kv.Value.ServerStatus, Name = kv.Key, Provider = ProviderNames.ProviderOf(kv.Key),
        Type = kv.Value.LoadBalancer is not null ? "loadbalancer" : kv.Value.Weighted is not null ? "weighted" : null,
    }).ToList();
}

/// <summary>A UDP router as Traefik's API shows it (runtime.UDPRouterInfo).</summary>
public sealed class UdpRouterInfo
{
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("service")] public string Service { get; set; } = "";
    [JsonPropertyName("error")] public List<string>? Error { get; set; }
    [JsonPropertyName("status")] public string Status { get; set; } = "enabled";
    [JsonPropertyName("using")] public List<string>? Using { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("provider")] public string? Provider { get; set; }
}

/// <summary>A UDP service as Traefik's API shows it (runtime.UDPServiceInfo).</summary>
public sealed class UdpServiceInfo
{
    [JsonPropertyName("loadBalancer")] public UdpServersLoadBalancer? LoadBalancer { get; set; }
    [JsonPropertyName("weighted")] public UdpWeightedRoundRobin? Weighted { get; set; }
    [JsonPropertyName("error")] public List<string>? Error { get; set; }
    [JsonPropertyName("status")] public string Status { get; set; } = "enabled";
    [JsonPropertyName("usedBy")] public List<string>? UsedBy { get; set; }
    [JsonPropertyName("serverStatus")] public SortedDictionary<string, string>? ServerStatus { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("provider")] public string? Provider { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
}
