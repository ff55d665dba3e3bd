using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Edge.Configuration;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Udp;

/// <summary>
/// One UDP entry point (Traefik's pkg/udp Listener and Proxy): datagrams from a new client address
/// open a session to a server picked by the entry point's current service; later datagrams of that
/// client go to the same server, and the server's datagrams go back to the client from the entry
/// point's address. A session with no datagram either way for <c>udp.timeout</c> is closed.
/// </summary>
public sealed class UdpListener(string entryPoint, EntryPointAddress address, TimeSpan timeout, Func<(string Router, UdpBackend Backend)?> current) : IAsyncDisposable
{
    private const int MaxDatagramSize = 65535;
    private readonly ConcurrentDictionary<EndPoint, Session> _sessions = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task _loop = Task.CompletedTask;

    public void Start()
    {
        var ip = address.Host ?? IPAddress.IPv6Any;
        var socket = new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (ip.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
        try { socket.Bind(new IPEndPoint(ip, address.Port)); }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"entry point {entryPoint}: UDP port {address.Port} cannot be bound: {e.Message}", e);
        }
        _socket = socket;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[MaxDatagramSize];
        EndPoint any = new IPEndPoint(_socket!.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult got;
            try { got = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }   // e.g. ICMP port unreachable reported on the listener
            var client = got.RemoteEndPoint;
            if (!_sessions.TryGetValue(client, out var session))
            {
                if (current() is not { } route || route.Backend.Pick() is not { } server)
                {
                    Log.Debug("UDP datagram on an entry point without a served router is dropped", ("entryPointName", entryPoint));
                    continue;
                }
                session = await Session.OpenAsync(this, client, route.Router, server);
                if (session is null) continue;
                _sessions[client] = session;
            }
            await session.ToServerAsync(buffer.AsMemory(0, got.ReceivedBytes));
        }
    }

    private sealed class Session
    {
        private readonly UdpListener _owner;
        private readonly EndPoint _client;
        private readonly Socket _server;
        private long _lastActivity = Environment.TickCount64;

        private Session(UdpListener owner, EndPoint client, Socket server)
        {
            _owner = owner;
            _client = client;
            _server = server;
        }

        public static async Task<Session?> OpenAsync(UdpListener owner, EndPoint client, string router, string address)
        {
            int colon = address.LastIndexOf(':');
            var host = address[..colon].Trim('[', ']');
            if (!int.TryParse(address.AsSpan(colon + 1), out var port)) return null;
            var socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
            try
            {
                if (IPAddress.TryParse(host, out var ip)) await socket.ConnectAsync(new IPEndPoint(ip, port));
                else await socket.ConnectAsync(new DnsEndPoint(host, port));
            }
            catch (SocketException e)
            {
                socket.Dispose();
                Log.Error("Error while dialing backend", ("routerName", Edge.Model.ProviderNames.Qualify(router)), ("address", address), ("error", e.Message));
                return null;
            }
            Log.Debug("Handling UDP session", ("routerName", Edge.Model.ProviderNames.Qualify(router)), ("address", address), ("remoteAddr", client));
            var session = new Session(owner, client, socket);
            _ = session.FromServerLoopAsync();
            _ = session.IdleLoopAsync();
            return session;
        }

        public async Task ToServerAsync(ReadOnlyMemory<byte> datagram)
        {
            Volatile.Write(ref _lastActivity, Environment.TickCount64);
            try { await _server.SendAsync(datagram, SocketFlags.None); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { Close(); }
        }

        private async Task FromServerLoopAsync()
        {
            var buffer = new byte[MaxDatagramSize];
            while (true)
            {
                int n;
                try { n = await _server.ReceiveAsync(buffer, SocketFlags.None); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // A refused datagram (ICMP) does not end the session; a closed socket does.
                    if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.ConnectionReset }) continue;
                    return;
                }
                Volatile.Write(ref _lastActivity, Environment.TickCount64);
                try { await _owner._socket!.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, _client); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            }
        }

        /// <summary>Traefik's check: every tenth of the timeout, closed once idle longer than the timeout.</summary>
        private async Task IdleLoopAsync()
        {
            var tick = TimeSpan.FromTicks(Math.Max(_owner._timeout.Ticks, 10) / 10);
            try
            {
                while (true)
                {
                    await Task.Delay(tick, _owner._stop.Token);
                    if (Environment.TickCount64 - Volatile.Read(ref _lastActivity) > (long)_owner._timeout.TotalMilliseconds) break;
                }
            }
            catch (OperationCanceledException) { }
            Close();
        }

        public void Close()
        {
            _owner._sessions.TryRemove(new KeyValuePair<EndPoint, Session>(_client, this));
            _server.Dispose();
        }
    }

    private readonly TimeSpan _timeout = timeout;

    public int SessionCount => _sessions.Count;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket?.Dispose();
        try { await _loop; } catch (Exception) { }
        foreach (var s in _sessions.Values) s.Close();
        _stop.Dispose();
    }
}
