using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Edge.DataPlane.Tcp;

namespace Edge.Tests.DataPlane.Tcp;

/// <summary>The ClientHello peek: SNI and ALPN of a real .NET TLS client's hello, byte by byte as it arrives.</summary>
public class ClientHelloTests
{
    private static async Task<byte[]> CaptureHelloAsync(string sni, params string[] alpn)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptSocketAsync();
        var ssl = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = sni,
            ApplicationProtocols = alpn.Select(a => new SslApplicationProtocol(a)).ToList(),
        });
        var received = new List<byte>();
        var buffer = new byte[16384];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (ClientHello.TryRead(new ReadOnlySequence<byte>(received.ToArray()), out _, out _) == ClientHello.Outcome.NeedMore)
        {
            int n = await server.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0) break;
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        server.Close();
        try { await handshake; } catch (Exception) { }
        return [.. received];
    }

    [Test]
    public async Task The_server_name_and_the_alpn_protocols_are_read()
    {
        var hello = await CaptureHelloAsync("tcp.example.com", "h2", "imap");
        var outcome = ClientHello.TryRead(new ReadOnlySequence<byte>(hello), out var sni, out var alpn);
        await Assert.That(outcome).IsEqualTo(ClientHello.Outcome.Parsed);
        await Assert.That(sni).IsEqualTo("tcp.example.com");
        await Assert.That(alpn).IsEquivalentTo(new[] { "h2", "imap" });
    }

    [Test]
    public async Task A_partial_hello_asks_for_more_and_plain_bytes_are_not_tls()
    {
        var hello = await CaptureHelloAsync("a.example.com");
        for (int cut = 1; cut < hello.Length; cut += 37)
            await Assert.That(ClientHello.TryRead(new ReadOnlySequence<byte>(hello, 0, cut), out _, out _)).IsEqualTo(ClientHello.Outcome.NeedMore);
        await Assert.That(ClientHello.TryRead(new ReadOnlySequence<byte>("GET / HTTP/1.1\r\n"u8.ToArray()), out _, out _)).IsEqualTo(ClientHello.Outcome.NotTls);
        await Assert.That(ClientHello.TryRead(new ReadOnlySequence<byte>([0x16, 3, 1, 0, 4, 2, 0, 0, 0]), out _, out _)).IsEqualTo(ClientHello.Outcome.Invalid);
    }
}
