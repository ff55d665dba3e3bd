using System.Net;

namespace Edge.Configuration;

/// <summary>Traefik's entry point address: ":80", "0.0.0.0:80", "127.0.0.1:8000", "[::1]:8000", optionally "/tcp" or "/udp".</summary>
public readonly record struct EntryPointAddress(IPAddress? Host, int Port)
{
    public static EntryPointAddress Parse(string entryPoint, string address)
    {
        var a = address.Trim();
        if (a.EndsWith("/tcp", StringComparison.OrdinalIgnoreCase) || IsUdp(a)) a = a[..^4];
        int colon = a.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(a[(colon + 1)..], out var port) || port < 0 || port > 65535)
            throw new ConfigException($"entryPoints.{entryPoint}.address", $"host:port such as \":80\" or \"127.0.0.1:8000\", got \"{address}\"");
        var host = a[..colon].Trim('[', ']');
        if (host.Length == 0) return new EntryPointAddress(null, port);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new EntryPointAddress(IPAddress.Loopback, port);
        if (!IPAddress.TryParse(host, out var ip))
            throw new ConfigException($"entryPoints.{entryPoint}.address", $"an IP address as host, got \"{host}\"");
        return new EntryPointAddress(ip, port);
    }

    /// <summary>Traefik's "host:port/udp": a UDP entry point.</summary>
    public static bool IsUdp(string address) => address.Trim().EndsWith("/udp", StringComparison.OrdinalIgnoreCase);

    /// <summary>An address a local client can use to reach this entry point.</summary>
    public string LocalUrl(string scheme = "http")
    {
        var h = Host is null || Host.Equals(IPAddress.Any) ? "127.0.0.1"
            : Host.Equals(IPAddress.IPv6Any) ? "[::1]"
            : Host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Host}]" : Host.ToString();
        return $"{scheme}://{h}:{Port}";
    }
}
