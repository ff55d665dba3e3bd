using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Only WebSocket is relayed as an upgrade. An h2c upgrade (the class of Traefik's
/// GHSA-w4v4-9rw7-5326: HTTP/2 frames tunnelled past every router) is forwarded as a plain request
/// without its Upgrade/HTTP2-Settings headers and the connection is closed after the answer; a 101
/// from a backend for anything but the requested WebSocket upgrade is answered 502. Checked on
/// what the backend received, byte for byte.
/// </summary>
[NotInParallel("edge-e2e")]
public class UpgradeEndToEndTests
{
    private const string H2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    private const string H2cRequest = "GET /public HTTP/1.1\r\nHost: app.example.com\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";

    private static async Task<(DataPlaneFixture Fixture, RawBackend Backend)> StartAsync(string backendResponse, bool tls = false)
    {
        var raw = RawBackend.Start("127.0.0.4", FreePort.Get(), backendResponse);
        var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(K8s.Service("default", "raw", 80, "http"));
            api.Upsert(K8s.Slice("default", "raw", raw.Port, "http", "127.0.0.4"));
            var annotations = tls ? new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.tls"] = "true" } : null;
            api.Upsert(K8s.Ingress("default", "public", "app.example.com", "/public", "raw", 80, annotations: annotations));
            api.Upsert(K8s.Ingress("default", "ready", "app.example.com", "/ready", "whoami", 80));
        }, "--serversTransport.forwardingTimeouts.idleConnTimeout=1s");   // see AllBackendConnectionsClosedAsync
        // Waits on a route to an echo backend: the raw backend's connections stay the test's own.
        try { await f.WaitForRouteAsync("app.example.com", "/ready"); }
        catch { await f.DisposeAsync(); await raw.DisposeAsync(); throw; }
        return (f, raw);
    }

    /// <summary>
    /// The barrier before asserting that some bytes never reached the backend: every connection edge
    /// opened to it is closed, so nothing more can arrive. Edge closes a connection that switched
    /// protocols at once, and an idle pooled one after idleConnTimeout (1 s here).
    /// </summary>
    private static Task AllBackendConnectionsClosedAsync(DataPlaneFixture f, RawBackend raw) =>
        Eventually.UntilAsync(() => raw.Received.Count > 0 && raw.OpenConnections == 0, TimeSpan.FromSeconds(10),
            () => $"{raw.OpenConnections} of {raw.Received.Count} backend connection(s) still open; received:\n{string.Join("\n---\n", raw.Received)}\nedge output:\n{f.Edge.Output}");

    /// <summary>Sends the h2c request, then (after the answer) the HTTP/2 preface and a frame, on one connection.</summary>
    private static async Task<string> SendH2cAttemptAsync(Stream stream, string request)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[16 * 1024];
        using var first = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        int n = await stream.ReadAsync(buffer, first.Token);
        var answer = Encoding.ASCII.GetString(buffer, 0, n);
        try { await stream.WriteAsync(Encoding.ASCII.GetBytes(H2Preface + "GET /admin HTTP/1.1\r\nHost: app.example.com\r\n\r\n")); }
        catch (IOException) { /* closed already: what we want */ }
        return answer + await RawHttp.ReadUntilClosedAsync(stream, TimeSpan.FromSeconds(3));
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task H2c_upgrade_is_forwarded_as_a_plain_request_and_the_connection_closed(bool tls)
    {
        var (f, raw) = await StartAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", tls);
        await using var _ = f;
        await using var __ = raw;
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", f.Edge.WebPort);
        Stream stream = client.GetStream();
        if (tls)
        {
            var ssl = new SslStream(stream, false, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "app.example.com" });
            stream = ssl;
        }
        var answer = await SendH2cAttemptAsync(stream, H2cRequest);
        await Assert.That(RawHttp.Status(answer)).IsEqualTo(200);
        await Assert.That(answer).Contains("Connection: close");
        await Assert.That(answer).DoesNotContain("101");
        await AllBackendConnectionsClosedAsync(f, raw);
        var received = string.Join("\n---\n", raw.Received);
        await Assert.That(raw.Received.Count).IsEqualTo(1);
        await Assert.That(received).StartsWith("GET /public HTTP/1.1\r\n");
        await Assert.That(received).DoesNotContain("h2c").Because("Upgrade: h2c is a hop-by-hop header");
        await Assert.That(received).DoesNotContain("HTTP2-Settings", StringComparison.OrdinalIgnoreCase);
        await Assert.That(received).DoesNotContain("PRI * HTTP/2.0").Because("no byte after the refused upgrade reaches a backend");
        await Assert.That(received).DoesNotContain("/admin");
    }

    [Test]
    public async Task H2c_upgrade_without_connection_header_is_not_an_upgrade_either()
    {
        var (f, raw) = await StartAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        await using var _ = f;
        await using var __ = raw;
        var response = await RawHttp.SendAsync(f.Edge.WebPort,
            "GET /public HTTP/1.1\r\nHost: app.example.com\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n" + H2Preface);
        await Assert.That(RawHttp.Status(response)).IsEqualTo(200);
        await AllBackendConnectionsClosedAsync(f, raw);
        var received = string.Join("\n---\n", raw.Received);
        await Assert.That(received).DoesNotContain("h2c");
        await Assert.That(received).DoesNotContain("PRI * HTTP/2.0");
    }

    [Test]
    public async Task A_backend_that_switches_to_h2c_anyway_is_answered_502_and_nothing_is_tunnelled()
    {
        var (f, raw) = await StartAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
        await using var _ = f;
        await using var __ = raw;
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", f.Edge.WebPort);
        var answer = await SendH2cAttemptAsync(client.GetStream(), H2cRequest);
        await Assert.That(RawHttp.Status(answer)).IsEqualTo(502);
        await AllBackendConnectionsClosedAsync(f, raw);
        var received = string.Join("\n---\n", raw.Received);
        await Assert.That(received).DoesNotContain("PRI * HTTP/2.0");
        await Assert.That(received).DoesNotContain("/admin");
    }

    [Test]
    public async Task A_websocket_request_answered_with_another_protocol_is_502()
    {
        var (f, raw) = await StartAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
        await using var _ = f;
        await using var __ = raw;
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", f.Edge.WebPort);
        var ws = "GET /public HTTP/1.1\r\nHost: app.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        var answer = await SendH2cAttemptAsync(client.GetStream(), ws);
        await Assert.That(RawHttp.Status(answer)).IsEqualTo(502);
        await AllBackendConnectionsClosedAsync(f, raw);
        var received = string.Join("\n---\n", raw.Received);
        await Assert.That(received).Contains("Upgrade: websocket").Because("the WebSocket handshake itself is forwarded");
        await Assert.That(received).DoesNotContain("PRI * HTTP/2.0");
    }

    [Test]
    public async Task A_websocket_upgrade_is_still_relayed()
    {
        var (f, raw) = await StartAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        await using var _ = f;
        await using var __ = raw;
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", f.Edge.WebPort);
        var ws = "GET /public HTTP/1.1\r\nHost: app.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(ws));
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var answer = Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer, cts.Token));
        await Assert.That(RawHttp.Status(answer)).IsEqualTo(101);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("tunnelled-bytes"));
        await Eventually.UntilAsync(() => string.Concat(raw.Received).Contains("tunnelled-bytes"), TimeSpan.FromSeconds(5),
            () => "the backend never received the tunnelled bytes:\n" + string.Concat(raw.Received));
        await Assert.That(string.Concat(raw.Received)).Contains("tunnelled-bytes");
    }

    /// <summary>RFC 8441: an HTTP/2 client's extended CONNECT becomes an RFC 6455 handshake to the backend.</summary>
    [Test]
    public async Task Http2_websocket_is_relayed_to_an_http1_backend()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "ws", "ws.example.com", "/", "whoami", 80,
                annotations: new Dictionary<string, string> { ["traefik.ingress.kubernetes.io/router.tls"] = "true" })));
        await f.Edge.WaitForRawDataAsync(raw => raw.Contains("default-ws-", StringComparison.Ordinal));
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await s.ConnectAsync(System.Net.IPAddress.Loopback, f.Edge.WebPort, ct);
                return new NetworkStream(s, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        using var invoker = new HttpMessageInvoker(handler);
        // A failed connect disposes the socket: a new one per attempt, until the route is served.
        string lastError = "";
        var connected = await Eventually.UntilAsync(async () =>
        {
            var attempt = new System.Net.WebSockets.ClientWebSocket();
            attempt.Options.HttpVersion = System.Net.HttpVersion.Version20;
            attempt.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            attempt.Options.CollectHttpResponseDetails = true;
            try
            {
                await attempt.ConnectAsync(new Uri($"wss://ws.example.com:{f.Edge.WebPort}/ws"), invoker, CancellationToken.None);
                return attempt;
            }
            catch (System.Net.WebSockets.WebSocketException e)
            {
                attempt.Dispose();
                lastError = e.Message;
                return null;
            }
        }, attempt => attempt is not null, TimeSpan.FromSeconds(10), _ => $"no HTTP/2 WebSocket connected: {lastError}; edge output:\n{f.Edge.Output}");
        using var ws = connected!;
        await Assert.That(ws.HttpStatusCode).IsEqualTo(System.Net.HttpStatusCode.OK).Because("RFC 8441: 200 on the HTTP/2 stream");
        await ws.SendAsync(Encoding.UTF8.GetBytes("hello"), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var res = await ws.ReceiveAsync(buffer, CancellationToken.None);
        var text = Encoding.UTF8.GetString(buffer, 0, res.Count);
        await Assert.That(text == "a:hello" || text == "b:hello").IsTrue().Because(text);
        await ws.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
    }
}
