using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// The PROXY protocol header Edge sends first to a TCP server whose service asks for it
/// (<c>proxyProtocol.version</c> 1 or 2), carrying the client's address as Traefik's
/// pires/go-proxyproto HeaderProxyFromAddrs does.
/// </summary>
public static class ProxyProtocolWriter
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] Header(int version, IPEndPoint? source, IPEndPoint? destination)
    {
        if (source is null || destination is null) return version == 1 ? Encoding.ASCII.GetBytes("PROXY UNKNOWN\r\n") : V2Local();
        var src = Normalize(source.Address);
        var dst = Normalize(destination.Address);
        // Mixed families: both as IPv6 (go-proxyproto does the same when one side is IPv6).
        if (src.AddressFamily != dst.AddressFamily) { src = src.MapToIPv6(); dst = dst.MapToIPv6(); }
        bool v4 = src.AddressFamily == AddressFamily.InterNetwork;
        if (version == 1)
            return Encoding.ASCII.GetBytes($"PROXY {(v4 ? "TCP4" : "TCP6")} {src} {dst} {source.Port} {destination.Port}\r\n");
        var addresses = new List<byte>();
        addresses.AddRange(src.GetAddressBytes());
        addresses.AddRange(dst.GetAddressBytes());
        addresses.Add((byte)(source.Port >> 8)); addresses.Add((byte)source.Port);
        addresses.Add((byte)(destination.Port >> 8)); addresses.Add((byte)destination.Port);
        var header = new List<byte>(V2Signature) { 0x21, (byte)(v4 ? 0x11 : 0x21), (byte)(addresses.Count >> 8), (byte)addresses.Count };
        header.AddRange(addresses);
        return [.. header];
    }

    private static byte[] V2Local() => [.. V2Signature, 0x20, 0x00, 0x00, 0x00];

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
