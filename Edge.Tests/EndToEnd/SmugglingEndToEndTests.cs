using System.Net.Sockets;
using System.Text;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Request smuggling and malformed framing are rejected with 400 (or 414/431 for oversize parts)
/// before any byte reaches a backend. Driven over raw sockets, since HTTP clients refuse to send these.
/// </summary>
[NotInParallel("edge-e2e")]
public class SmugglingEndToEndTests
{
    private const string H = "Host: app.example.com\r\nConnection: close\r\n";


    /// <summary>Name, raw request, the first status the client gets, and how many requests may reach a backend.</summary>
    private static readonly Dictionary<string, (string Request, int Status, int Forwarded)> Requests = new (string Name, string Request, int Status, int Forwarded)[]
    {
        ("content-length with transfer-encoding", $"POST / HTTP/1.1\r\n{H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 0),
        // The second request of a keep-alive connection, after a body that looks like headers:
        // the first (well-framed) request is served, the second refused.
        ("content-length with transfer-encoding, second on the connection",
            "POST / HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 49\r\n\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
            + $"POST / HTTP/1.1\r\n{H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200, 1),
        // An Upgrade header on a request that is not upgraded does not stop the framing checks.
        ("content-length with transfer-encoding after a request with an Upgrade header",
            "GET / HTTP/1.1\r\nHost: app.example.com\r\nUpgrade: x\r\n\r\n"
            + $"POST / HTTP/1.1\r\n{H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200, 1),
        ("duplicate content-length", $"POST / HTTP/1.1\r\n{H}Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400, 0),
        ("malformed content-length", $"POST / HTTP/1.1\r\n{H}Content-Length: 4x\r\n\r\nabcd", 400, 0),
        ("obs-fold", $"GET / HTTP/1.1\r\n{H}X-A: a\r\n b\r\n\r\n", 400, 0),
        ("bare LF in header", $"GET / HTTP/1.1\r\n{H}X-A: a\nX-B: b\r\n\r\n", 400, 0),
        ("invalid chunk size", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400, 0),
        ("invalid host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, 0),
        ("transfer-encoding before content-length", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400, 0),
        // CL.TE desync: a front end framing by Content-Length would pass a complete "GET /admin" on.
        ("content-length with transfer-encoding, smuggled request",
            "POST / HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 50\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: app.example.com\r\n\r\n", 400, 0),
        ("negative content-length", $"POST / HTTP/1.1\r\n{H}Content-Length: -1\r\n\r\n", 400, 0),
        ("space before colon", $"POST / HTTP/1.1\r\n{H}Content-Length : 4\r\n\r\nabcd", 400, 0),
        ("chunk size overflow", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nabc\r\n0\r\n\r\n", 400, 0),
        ("duplicate host", "GET / HTTP/1.1\r\nHost: app.example.com\r\nHost: other.example.com\r\nConnection: close\r\n\r\n", 400, 0),
        ("absolute target with another host", "GET http://other.example.com/ HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n", 400, 0),
        ("oversize request line", $"GET /{new string('a', 20_000)} HTTP/1.1\r\n{H}\r\n", 414, 0),
        ("oversize headers", $"GET / HTTP/1.1\r\n{H}X-Big: {new string('b', 40_000)}\r\n\r\n", 431, 0),
        // RFC 9110 section 5.5: CTL bytes other than HTAB in a value, a name that is not a token.
        ("vertical tab in a value hides a header", $"GET / HTTP/1.1\r\n{H}X: a\u000bTransfer-Encoding: chunked\r\n\r\n", 400, 0),
        ("control byte 0x01 in a value", $"GET / HTTP/1.1\r\n{H}X: a\u0001b\r\n\r\n", 400, 0),
        ("form feed in a value", $"GET / HTTP/1.1\r\n{H}X: a\u000cb\r\n\r\n", 400, 0),
        ("DEL in a value", $"GET / HTTP/1.1\r\n{H}X: a\u007fb\r\n\r\n", 400, 0),
        ("bare CR in a value", $"GET / HTTP/1.1\r\n{H}X: a\rb\r\n\r\n", 400, 0),
        ("control byte in a name", $"GET / HTTP/1.1\r\n{H}X\u0001Y: v\r\n\r\n", 400, 0),
        ("separator in a name", $"GET / HTTP/1.1\r\n{H}X(Y): v\r\n\r\n", 400, 0),
        ("tab in a value is allowed", $"GET / HTTP/1.1\r\n{H}X: a\tb\r\n\r\n", 200, 1),
        // RFC 9112 section 6: Content-Length with any Transfer-Encoding; codings other than chunked.
        ("content-length with 'chunked,'", $"POST / HTTP/1.1\r\n{H}Content-Length: 5\r\nTransfer-Encoding: chunked,\r\n\r\n0\r\n\r\n", 400, 0),
        ("content-length with 'chunked, '", $"POST / HTTP/1.1\r\n{H}Content-Length: 5\r\nTransfer-Encoding: chunked, \r\n\r\n0\r\n\r\n", 400, 0),
        ("content-length with identity and chunked lines", $"POST / HTTP/1.1\r\n{H}Content-Length: 5\r\nTransfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 0),
        ("content-length with cow and chunked lines", $"POST / HTTP/1.1\r\n{H}Content-Length: 5\r\nTransfer-Encoding: cow\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 0),
        ("gzip then chunked is not implemented", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, 0),
        ("cow and chunked lines are not implemented", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: cow\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501, 0),
        ("final coding not chunked", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400, 0),
        ("only gzip", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: gzip\r\n\r\nabc", 400, 0),
        ("chunked twice", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400, 0),
        ("transfer-encoding on HTTP/1.0", "POST / HTTP/1.0\r\nHost: app.example.com\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 0),
        ("'chunked,' alone is chunked", $"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked,\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 200, 1),
        // Host names: a label over 63, a name over 253 characters; never a 500.
        ("host label of 64", $"GET / HTTP/1.1\r\nHost: {new string('a', 64)}.example.com\r\nConnection: close\r\n\r\n", 400, 0),
        ("host label of 252", $"GET / HTTP/1.1\r\nHost: {new string('a', 252)}.example.com\r\nConnection: close\r\n\r\n", 400, 0),
        ("host name over 253", $"GET / HTTP/1.1\r\nHost: {string.Join('.', Enumerable.Repeat(new string('a', 50), 6))}\r\nConnection: close\r\n\r\n", 400, 0),
        ("host label of 63 is a name (not routed)", $"GET / HTTP/1.1\r\nHost: {new string('a', 63)}.example.com\r\nConnection: close\r\n\r\n", 404, 0),
    }.ToDictionary(c => c.Name, c => (c.Request, c.Status, c.Forwarded));

    public static IEnumerable<string> Cases() => Requests.Keys;

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Malformed_framing_is_rejected_before_the_backend(string name)
    {
        var (request, status, forwarded) = Requests[name];
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("app.example.com", "/");
        var before = f.BackendRequests;
        var response = await RawHttp.SendAsync(f.Edge.WebPort, request);
        await Assert.That(response).StartsWith($"HTTP/1.1 {status} ").Because(name);
        if (status >= 400) await Assert.That(response).Contains("Connection: close").Because(name + ": the connection is closed");
        if (name.Contains("second on the connection", StringComparison.Ordinal) || name.Contains("after a request with an Upgrade", StringComparison.Ordinal))
            await Assert.That(response).Contains("HTTP/1.1 400 ").Because(name + ": the second request is refused");
        // The backend answers before Edge answers the client, so its count is final here.
        await Assert.That(f.BackendRequests).IsEqualTo(before + forwarded).Because(name + ": requests that reached a backend");
    }

    [Test]
    public async Task Slowloris_connection_is_closed_by_the_header_timeout()
    {
        // readTimeout bounds the time to receive the headers (Kestrel's RequestHeadersTimeout).
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80)),
            "--entrypoints.web.transport.respondingTimeouts.readTimeout=2s");
        await f.WaitForRouteAsync("app.example.com", "/");
        var before = f.BackendRequests;
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
        await Assert.That(response.ToString()).StartsWith("HTTP/1.1 408 ").Because("Kestrel answers the header timeout before closing");
        await Assert.That(f.BackendRequests).IsEqualTo(before);
    }
}
