using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests.DataPlane.Connections;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// entryPoints.&lt;name&gt;.proxyProtocol through artifacts/edge, as a cloud load balancer in front
/// of it speaks it: the client address in the PROXY header is what the backend sees in
/// X-Forwarded-For, on plain and on TLS connections; from an untrusted address the header is dropped
/// and the real address kept; a broken header closes the connection before any request is served.
/// </summary>
[NotInParallel("edge-e2e")]
public class ProxyProtocolEndToEndTests
{
    private const string Request = "GET /pp HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n";

    private static async Task<(DataPlaneFixture F, int Untrusted, int Secure)> StartAsync()
    {
        int untrusted = FreePort.Get(), secure = FreePort.Get();
        var f = await DataPlaneFixture.StartAsync((api, _) => api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/pp", "whoami", 80)),
            "--entryPoints.web.proxyProtocol.trustedIPs=127.0.0.1/32,10.0.0.0/8",
            $"--entryPoints.lb.address=127.0.0.1:{untrusted}", "--entryPoints.lb.proxyProtocol.trustedIPs=127.0.0.9",
            $"--entryPoints.websecure.address=127.0.0.1:{secure}", "--entryPoints.websecure.http.tls=true", "--entryPoints.websecure.proxyProtocol.insecure=true");
        await f.WaitForRouteAsync("app.example.com", "/pp");
        return (f, untrusted, secure);
    }

    private static string ForwardedFor(string response) =>
        (string?)JsonNode.Parse(RawHttp.Body(response))!["headers"]!["X-Forwarded-For"] ?? "";

    [Test]
    public async Task The_client_address_comes_from_the_header_only_when_the_sender_is_trusted()
    {
        var (f, untrusted, _) = await StartAsync();
        await using var _ = f;

        var v1 = await RawHttp.SendAsync(f.Edge.WebPort, "PROXY TCP4 203.0.113.50 127.0.0.1 51000 80\r\n" + Request);
        await Assert.That(RawHttp.Status(v1)).IsEqualTo(200);
        await Assert.That(ForwardedFor(v1)).IsEqualTo("203.0.113.50");

        var v2 = await SendBytesAsync(f.Edge.WebPort, [.. ProxyProtocolHeaderTests.V2(0x21, 0x11, [198, 51, 100, 7, 127, 0, 0, 1, 0x10, 0x00, 0x00, 0x50]), .. Encoding.ASCII.GetBytes(Request)]);
        await Assert.That(RawHttp.Status(v2)).IsEqualTo(200);
        await Assert.That(ForwardedFor(v2)).IsEqualTo("198.51.100.7");

        var none = await RawHttp.SendAsync(f.Edge.WebPort, Request);
        await Assert.That(RawHttp.Status(none)).IsEqualTo(200).Because("the header is optional, as in Traefik");
        await Assert.That(ForwardedFor(none)).IsEqualTo("127.0.0.1");

        var dropped = await RawHttp.SendAsync(untrusted, "PROXY TCP4 203.0.113.50 127.0.0.1 51000 80\r\n" + Request);
        await Assert.That(RawHttp.Status(dropped)).IsEqualTo(200).Because("an untrusted sender's header is read and dropped");
        await Assert.That(ForwardedFor(dropped)).IsEqualTo("127.0.0.1");
    }

    [Test]
    public async Task A_broken_header_closes_the_connection_without_serving_it()
    {
        var (f, _, _) = await StartAsync();
        await using var _ = f;
        int before = f.BackendRequests;
        var broken = await RawHttp.SendAsync(f.Edge.WebPort, "PROXY TCP4 203.0.113.50 127.0.0.1 99999 80\r\n" + Request);
        await Assert.That(broken).IsEqualTo("");
        await Assert.That(f.BackendRequests).IsEqualTo(before);
    }

    [Test]
    public async Task The_header_comes_before_the_TLS_handshake()
    {
        var (f, _, secure) = await StartAsync();
        await using var _ = f;
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", secure);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::7 ::1 4242 443\r\n"));
        await using var tls = new SslStream(stream, false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("app.example.com");
        await tls.WriteAsync(Encoding.ASCII.GetBytes(Request));
        var response = await RawHttp.ReadUntilClosedAsync(tls, TimeSpan.FromSeconds(5));
        await Assert.That(RawHttp.Status(response)).IsEqualTo(200);
        await Assert.That(ForwardedFor(response)).IsEqualTo("2001:db8::7");
    }

    private static async Task<string> SendBytesAsync(int port, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(bytes);
        return await RawHttp.ReadUntilClosedAsync(stream, TimeSpan.FromSeconds(5));
    }
}
