using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>
/// A UDP server on loopback answering each datagram with "&lt;name&gt;:&lt;payload&gt;"; counts the
/// datagrams and the distinct source addresses (Edge's sessions) it saw.
/// </summary>
public sealed class UdpEchoServer : IAsyncDisposable
{
    private readonly UdpClient _udp;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _sources = new();
    private readonly Task _loop;
    private int _datagrams;

    public string Name { get; }
    public int Port { get; }
    public int Datagrams => Volatile.Read(ref _datagrams);
    public int Sources { get { lock (_sources) return _sources.Count; } }

    private UdpEchoServer(string name)
    {
        Name = name;
        _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
        _loop = Task.Run(LoopAsync);
    }

    public static UdpEchoServer Start(string name) => new(name);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult r;
            try { r = await _udp.ReceiveAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _datagrams);
            lock (_sources) _sources.Add(r.RemoteEndPoint.ToString());
            var reply = Encoding.ASCII.GetBytes(Name + ":" + Encoding.ASCII.GetString(r.Buffer));
            try { await _udp.SendAsync(reply, r.RemoteEndPoint, _stop.Token); } catch (Exception) { return; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _udp.Dispose();
        try { await _loop; } catch (Exception) { }
        _stop.Dispose();
    }
}
