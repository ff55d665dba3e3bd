using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Edge.DataPlane.Connections;

/// <summary>
/// entryPoints.&lt;name&gt;.reusePort: the listening socket gets SO_REUSEPORT before it is bound, so
/// that several Edge processes (a restart overlapping the old one, or one per core) share the port
/// and the kernel spreads connections between them, as Traefik does on Linux.
/// </summary>
public static class ReusePortSocket
{
    private const int SolSocket = 1, SoReusePort = 15;   // Linux values (asm-generic/socket.h)

    public static Socket Bind(EndPoint endpoint, IReadOnlySet<int> reusePorts)
    {
        if (endpoint is not IPEndPoint ip || !reusePorts.Contains(ip.Port) || !OperatingSystem.IsLinux())
            return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(ip);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
