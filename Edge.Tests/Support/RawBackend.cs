using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>
/// A backend on a loopback address that records every byte each connection sends it and answers
/// each request header block with a canned response; after a 101 it only reads (so that bytes a
/// proxy would tunnel are seen, never answered). Used to prove what reached a backend, byte for byte.
/// </summary>
public sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<StringBuilder> _connections = new();
    private int _open;
    public int Port { get; }

    /// <summary>
    /// Connections accepted and not yet closed. Once every connection a proxy opened is closed,
    /// nothing more can arrive on them: the barrier before asserting that some bytes never came.
    /// </summary>
    public int OpenConnections => Volatile.Read(ref _open);

    private RawBackend(TcpListener listener, string response, int port) { _listener = listener; _response = response; Port = port; }

    public static RawBackend Start(string address, int port, string response)
    {
        var l = new TcpListener(IPAddress.Parse(address), port);
        l.Start();
        var b = new RawBackend(l, response, port);
        _ = b.AcceptLoop();
        return b;
    }

    /// <summary>Everything received, one string per connection.</summary>
    public IReadOnlyList<string> Received
    {
        get { lock (_connections) return _connections.Select(c => { lock (c) return c.ToString(); }).ToList(); }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient c;
            try { c = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            var log = new StringBuilder();
            Interlocked.Increment(ref _open);
            lock (_connections) _connections.Add(log);
            _ = Serve(c, log);
        }
    }

    private async Task Serve(TcpClient c, StringBuilder log)
    {
        using var _ = c;
        var s = c.GetStream();
        var buffer = new byte[16 * 1024];
        int answered = 0;
        bool switched = false;
        try
        {
            int n;
            while ((n = await s.ReadAsync(buffer, _stop.Token)) > 0)
            {
                string text;
                lock (log) { log.Append(Encoding.Latin1.GetString(buffer, 0, n)); text = log.ToString(); }
                int blocks = text.Split("\r\n\r\n").Length - 1;
                while (!switched && answered < blocks)
                {
                    answered++;
                    switched = _response.StartsWith("HTTP/1.1 101", StringComparison.Ordinal);
                    await s.WriteAsync(Encoding.ASCII.GetBytes(_response), _stop.Token);
                }
            }
        }
        catch (Exception) { }
        finally { Interlocked.Decrement(ref _open); }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}
