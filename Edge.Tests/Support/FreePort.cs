using System.Net;
using System.Net.Sockets;

namespace Edge.Tests.Support;

public static class FreePort
{
    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int Get()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
