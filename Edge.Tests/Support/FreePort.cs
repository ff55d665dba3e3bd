using System.Net;
using System.Net.Sockets;

namespace Edge.Tests.Support;

/// <summary>
/// Hands out loopback ports for processes that bind them later (edge entry points, backends).
/// </summary>
/// <remarks>
/// Asking the kernel for port 0 and releasing it is racy: the port comes from the ephemeral
/// range (32768-60999), the same range every outgoing loopback connection of a parallel test
/// draws its source port from, so by the time edge binds it a client socket may own it
/// (CI saw "address already in use"). Ports here come from below that range, from a
/// process-wide counter (no two tests of this run get the same port) started at an offset
/// derived from the PID (two runs on one machine rarely overlap), and are checked bindable.
/// </remarks>
public static class FreePort
{
    const int First = 20000, Last = 32000;
    static int _next = First + Environment.ProcessId * 97 % (Last - First);

    /// <summary>A loopback port nobody listens on right now and no other test of this run was given.</summary>
    public static int Get()
    {
        for (var attempt = 0; attempt < Last - First; attempt++)
        {
            var port = First + (int)((uint)(Interlocked.Increment(ref _next) - First) % (Last - First));
            if (IsBindable(port)) return port;
        }
        throw new InvalidOperationException($"no free loopback port in {First}-{Last}");
    }

    static bool IsBindable(int port)
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, port));
            s.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
