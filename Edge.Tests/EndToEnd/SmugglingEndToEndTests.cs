using System.Net.Sockets;
using System.Text;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Request smuggling and malformed framing are rejected with 400 (or 414/431 for oversize parts)
/// before any byte reaches a backend. Driven over raw sockets, since HTTP clients refuse to send these.
/// </summary>
[NotInParallel("edge-e2e")]
public class SmugglingEndToEndTests
{
    private static async Task<string> Send(int port, string raw)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(raw));
        // Read what comes back until the server closes or goes quiet.
        var buffer = new byte[64 * 1024];
        var sb = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                sb.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException) { }
        return sb.ToString();
    }

    private const string H = "Host: app.example.com\r\nConnection: close\r\n";

    private static readonly Dictionary<string, (string Request, int Status)> Requests = new (string Name, string Request, int Status)[]
    {
        ("content-length with transfer-encoding", $"POST / HTTP/1.1\r\n{H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        // The second request of a keep-alive connection, after a body that looks like headers.
        ("content-length with transfer-encoding, second on the connection",
            "POST / HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 49\r\n\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
            + $"POST / HTTP/1.1\r\n{H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200),
        ("duplicate content-length", $"POST / HTTP/1.1\r\n{H}Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400),
        ("malformed content-length", $"POST / HTTP/1.1\r\n{H}Content-Length: 4x\r\n\r\nabcd", 400),
        ("obs-fold", $"GET / HTTP/1.1\r\n{H}X-A: a\r\n b\r\n\r\n", 400),
        ("bare LF in header", $"GET / HTTP/1.1\r\n{H}X-A: a\nX-B: b\r\n\r\n", 400),
        ("invalid chunk size", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
        ("invalid host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        ("transfer-encoding before content-length", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400),
        // CL.TE desync: a front end framing by Content-Length would leave "GET /admin" to prefix the next request.
        ("content-length with transfer-encoding, smuggled request", "POST / HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 37\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nX-Ignore: x", 400),
        ("negative content-length", $"POST / HTTP/1.1\r\n{H}Content-Length: -1\r\n\r\n", 400),
        ("space before colon", $"POST / HTTP/1.1\r\n{H}Content-Length : 4\r\n\r\nabcd", 400),
        ("chunk size overflow", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nabc\r\n0\r\n\r\n", 400),
        ("duplicate host", "GET / HTTP/1.1\r\nHost: app.example.com\r\nHost: other.example.com\r\nConnection: close\r\n\r\n", 400),
        ("absolute target with another host", "GET http://other.example.com/ HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n", 400),
        ("oversize request line", $"GET /{new string('a', 20_000)} HTTP/1.1\r\n{H}\r\n", 414),
        ("oversize headers", $"GET / HTTP/1.1\r\n{H}X-Big: {new string('b', 40_000)}\r\n\r\n", 431),
    }.ToDictionary(c => c.Name, c => (c.Request, c.Status));

    public static IEnumerable<string> Cases() => Requests.Keys;

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Malformed_framing_is_rejected_before_the_backend(string name)
    {
        var (request, status) = Requests[name];
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("app.example.com", "/");
        var before = f.A.Requests + f.B.Requests;
        var response = await Send(f.Edge.WebPort, request);
        await Assert.That(response).StartsWith($"HTTP/1.1 {status} ").Because(name);
        await Task.Delay(100);
        if (name.EndsWith("second on the connection", StringComparison.Ordinal))
        {
            // The first (well-framed) request is served, the second refused; only one reached a backend.
            await Assert.That(response).Contains("HTTP/1.1 400 ");
            await Assert.That(f.A.Requests + f.B.Requests).IsEqualTo(before + 1);
            return;
        }
        await Assert.That(f.A.Requests + f.B.Requests).IsEqualTo(before).Because(name + ": nothing may reach a backend");
    }

    [Test]
    public async Task Slowloris_connection_is_closed_by_the_header_timeout()
    {
        // readTimeout bounds the time to receive the headers (Kestrel's RequestHeadersTimeout).
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80)),
            "--entrypoints.web.transport.respondingTimeouts.readTimeout=2s");
        await f.WaitForRouteAsync("app.example.com", "/");
        var before = f.A.Requests + f.B.Requests;
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", f.Edge.WebPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: app.example.com\r\n"));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new byte[4096];
        var response = new StringBuilder();
        var closed = false;
        // Trickle a header line every 300 ms, never finishing the request, for up to 10 s.
        while (sw.Elapsed < TimeSpan.FromSeconds(10) && !closed)
        {
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"X-Slow-{sw.ElapsedMilliseconds}: 1\r\n"));
                using var cts = new CancellationTokenSource(300);
                var n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0) closed = true; else response.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            catch (OperationCanceledException) { }
            catch (IOException) { closed = true; }
        }
        await Assert.That(closed).IsTrue().Because("the server must close a connection whose headers never complete");
        await Assert.That(sw.Elapsed).IsLessThan(TimeSpan.FromSeconds(6));
        if (response.Length > 0) await Assert.That(response.ToString()).StartsWith("HTTP/1.1 408 ");
        await Assert.That(f.A.Requests + f.B.Requests).IsEqualTo(before);
    }
}
