using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>
/// A raw TCP server on loopback: greets every connection with "&lt;name&gt;\n" (a server-first
/// protocol), then echoes what it receives. Optionally TLS (its own certificate, for passthrough)
/// and reading a PROXY v1 header first (kept in <see cref="ProxyHeaders"/>).
/// </summary>
public sealed class TcpEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2? _certificate;
    private readonly bool _proxyProtocol;
    private readonly List<string> _headers = new();
    private int _connections;

    public string Name { get; }
    public int Port { get; }
    public int Connections => Volatile.Read(ref _connections);
    public IReadOnlyList<string> ProxyHeaders { get { lock (_headers) return [.. _headers]; } }

    private TcpEchoServer(string name, X509Certificate2? certificate, bool proxyProtocol)
    {
        Name = name;
        _certificate = certificate;
        _proxyProtocol = proxyProtocol;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public static TcpEchoServer Start(string name, X509Certificate2? certificate = null, bool proxyProtocol = false) => new(name, certificate, proxyProtocol);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            if (_proxyProtocol)
            {
                var line = new StringBuilder();
                var one = new byte[1];
                while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, _stop.Token) == 1) line.Append((char)one[0]);
                lock (_headers) _headers.Add(line.ToString().TrimEnd());
            }
            if (_certificate is not null)
            {
                var ssl = new SslStream(stream);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                stream = ssl;
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes(Name + "\n"), _stop.Token);
            var buffer = new byte[4096];
            int n;
            while ((n = await stream.ReadAsync(buffer, _stop.Token)) > 0) await stream.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
        }
        catch (Exception) { }
        finally { await stream.DisposeAsync(); }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}
