using System.Net;
using System.Net.Sockets;
using System.Text;
using Edge.DataPlane.Forwarding;

namespace Edge.Tests.DataPlane.Forwarding;

/// <summary>
/// The forwarder in process: which headers a server receives and a client gets back, how each
/// failure is classified and answered, and that a response streams through as it arrives.
/// </summary>
public class HttpForwarderTests
{
    private static Task<HttpResponseMessage> Ok(string body = "ok") =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) });

    [Test]
    public async Task Hop_by_hop_headers_and_those_named_by_Connection_are_not_forwarded()
    {
        var h = new ForwarderHarness();
        var headers = h.Context.Request.Headers;
        headers.Connection = "keep-alive, X-Session-Hop";
        headers["Keep-Alive"] = "timeout=5";
        headers["X-Session-Hop"] = "secret";
        headers["Proxy-Authorization"] = "Basic Zm9vOmJhcg==";
        headers.TE = "trailers, deflate";
        headers["X-End-To-End"] = "kept";
        await h.ForwardAsync((_, _) => Ok());
        var sent = h.Sent!.Headers;
        await Assert.That(sent.Contains("Keep-Alive")).IsFalse();
        await Assert.That(sent.Contains("X-Session-Hop")).IsFalse();
        await Assert.That(sent.Contains("Proxy-Authorization")).IsFalse();
        await Assert.That(sent.GetValues("TE").Single()).IsEqualTo("trailers").Because("gRPC needs TE: trailers end to end, nothing else");
        await Assert.That(sent.GetValues("X-End-To-End").Single()).IsEqualTo("kept");
        await Assert.That(h.Sent.Headers.Host).IsEqualTo("app.example.com");
    }

    [Test]
    public async Task Host_is_the_servers_when_passHostHeader_is_false()
    {
        var h = new ForwarderHarness();
        await h.ForwardAsync((_, _) => Ok(), passHostHeader: false, serverUrl: "http://127.0.0.2:8080");
        await Assert.That(h.Sent!.Headers.Host).IsEqualTo("127.0.0.2:8080");
        await Assert.That(h.Sent.RequestUri!.ToString()).IsEqualTo("http://127.0.0.2:8080/api");
    }

    [Test]
    public async Task An_untrusted_clients_forwarded_headers_are_replaced()
    {
        var h = new ForwarderHarness();
        h.Context.Request.Headers["X-Forwarded-For"] = "6.6.6.6";
        h.Context.Request.Headers["X-Real-Ip"] = "6.6.6.6";
        await h.ForwardAsync((_, _) => Ok());
        await Assert.That(h.Sent!.Headers.GetValues("X-Forwarded-For").Single()).IsEqualTo("127.0.0.9");
        await Assert.That(h.Sent.Headers.GetValues("X-Real-Ip").Single()).IsEqualTo("127.0.0.9");
        await Assert.That(h.Sent.Headers.GetValues("X-Forwarded-Proto").Single()).IsEqualTo("http");
        await Assert.That(h.Sent.Headers.GetValues("X-Forwarded-Host").Single()).IsEqualTo("app.example.com");
    }

    [Test]
    public async Task Response_hop_by_hop_headers_stay_behind_and_the_rest_reach_the_client()
    {
        var h = new ForwarderHarness();
        var error = await h.ForwardAsync((_, _) =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent("made", Encoding.UTF8, "text/x-made") };
            r.Headers.TryAddWithoutValidation("Connection", "X-Backend-Hop");
            r.Headers.TryAddWithoutValidation("X-Backend-Hop", "internal");
            r.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
            r.Headers.TryAddWithoutValidation("X-App", "1");
            return Task.FromResult(r);
        });
        await Assert.That(error).IsEqualTo(ForwarderError.None);
        await Assert.That(h.Context.Response.StatusCode).IsEqualTo(201);
        await Assert.That(h.Context.Response.Headers.ContainsKey("X-Backend-Hop")).IsFalse();
        await Assert.That(h.Context.Response.Headers.ContainsKey("Keep-Alive")).IsFalse();
        await Assert.That(h.Context.Response.Headers["X-App"].ToString()).IsEqualTo("1");
        await Assert.That(h.Context.Response.ContentType).StartsWith("text/x-made");
        await Assert.That(h.ResponseText).IsEqualTo("made");
        await Assert.That(h.Error).IsNull().Because("a success sets no error feature");
    }

    [Test]
    public async Task A_refused_connection_is_a_connect_error_answered_502()
    {
        var h = new ForwarderHarness();
        var error = await h.ForwardAsync((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError,
            "Connection refused (127.0.0.2:8080)", new SocketException((int)SocketError.ConnectionRefused)));
        await Assert.That(error).IsEqualTo(ForwarderError.Connect);
        await Assert.That(h.Error).IsEqualTo(ForwarderError.Connect);
        await Assert.That(h.Context.Response.StatusCode).IsEqualTo(502);
        await Assert.That(h.ResponseText).IsEqualTo("Bad Gateway");
    }

    [Test]
    public async Task A_connect_timeout_is_a_connect_error_answered_504()
    {
        var h = new ForwarderHarness();
        // What SocketsHttpHandler throws when ConnectTimeout (Traefik's dialTimeout) elapses.
        var error = await h.ForwardAsync((_, _) => throw new TaskCanceledException("connect", new TimeoutException("A connection could not be established within the configured ConnectTimeout.")));
        await Assert.That(error).IsEqualTo(ForwarderError.Connect);
        await Assert.That(h.TimedOut).IsTrue();
        await Assert.That(h.Context.Response.StatusCode).IsEqualTo(504);
    }

    [Test]
    public async Task ResponseHeaderTimeout_is_a_response_headers_error_answered_504()
    {
        var h = new ForwarderHarness();
        var error = await h.ForwardAsync(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }, responseHeaderTimeout: TimeSpan.FromMilliseconds(50));
        await Assert.That(error).IsEqualTo(ForwarderError.ResponseHeaders);
        await Assert.That(h.TimedOut).IsTrue();
        await Assert.That(h.Context.Response.StatusCode).IsEqualTo(504);
        await Assert.That(h.ResponseText).IsEqualTo("Gateway Timeout");
    }

    [Test]
    public async Task A_response_that_ends_before_its_head_is_a_response_headers_error_answered_502()
    {
        var h = new ForwarderHarness();
        var error = await h.ForwardAsync((_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));
        await Assert.That(error).IsEqualTo(ForwarderError.ResponseHeaders);
        await Assert.That(h.TimedOut).IsFalse();
        await Assert.That(h.Context.Response.StatusCode).IsEqualTo(502);
    }

    [Test]
    public async Task A_client_that_leaves_while_the_server_thinks_is_499_with_no_body()
    {
        var h = new ForwarderHarness();
        var error = await h.ForwardAsync(async (_, ct) =>
        {
            h.ClientDisconnects();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        await Assert.That(error).IsEqualTo(ForwarderError.ClientAborted);
        await Assert.That(h.Context.Response.StatusCode).IsEqualTo(ForwarderErrors.StatusClientClosedRequest);
        await Assert.That(h.ResponseText).IsEqualTo("");
    }

    [Test]
    public async Task A_failed_request_body_send_is_a_request_send_error()
    {
        var h = new ForwarderHarness(method: "POST");
        h.Context.Request.Body = new MemoryStream(Encoding.ASCII.GetBytes("payload"));
        h.Context.Request.ContentLength = 7;
        var error = await h.ForwardAsync(async (request, ct) =>
        {
            // The server's socket breaks while the body is copied to it.
            await request.Content!.CopyToAsync(new BrokenStream(), ct);
            throw new InvalidOperationException("the copy must fail");
        });
        await Assert.That(error).IsEqualTo(ForwarderError.RequestSend);
        await Assert.That(h.Context.Response.StatusCode).IsEqualTo(502);
    }

    [Test]
    public async Task A_server_that_fails_mid_body_aborts_the_client_connection()
    {
        var h = new ForwarderHarness();
        var error = await h.ForwardAsync((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new FailingAfterStream(Encoding.ASCII.GetBytes("half"))),
        }));
        await Assert.That(error).IsEqualTo(ForwarderError.ResponseBody);
        await Assert.That(h.Aborted).IsTrue().Because("after the head is sent, aborting is the only signal left");
        await Assert.That(h.ResponseText).IsEqualTo("half");
    }

    [Test]
    public async Task A_response_streams_to_the_client_as_it_arrives()
    {
        var h = new ForwarderHarness();
        var body = new GatedStream();
        var forward = h.ForwardAsync((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) }));
        body.Send("event: one\n\n");
        await Edge.Tests.Support.Eventually.UntilAsync(() => h.ResponseText == "event: one\n\n", TimeSpan.FromSeconds(5),
            "the first event reached the client while the server still holds the response open");
        await Assert.That(forward.IsCompleted).IsFalse();
        body.Send("event: two\n\n");
        body.End();
        await Assert.That(await forward).IsEqualTo(ForwarderError.None);
        await Assert.That(h.ResponseText).IsEqualTo("event: one\n\nevent: two\n\n");
    }

    private sealed class BrokenStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("Broken pipe");
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => throw new IOException("Broken pipe");
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => throw new IOException("Broken pipe");
    }

    /// <summary>Gives its bytes, then fails as a reset connection does.</summary>
    private sealed class FailingAfterStream(byte[] first) : MemoryStream(first)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            int n = await base.ReadAsync(buffer, ct);
            return n > 0 ? n : throw new IOException("Connection reset by peer");
        }
    }

    /// <summary>A response body the test writes piece by piece, like a server-sent event stream.</summary>
    private sealed class GatedStream : Stream
    {
        private readonly System.Threading.Channels.Channel<byte[]> _chunks = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        private byte[] _current = [];
        private int _offset;
        public void Send(string text) => _chunks.Writer.TryWrite(Encoding.ASCII.GetBytes(text));
        public void End() => _chunks.Writer.TryComplete();
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_offset == _current.Length)
            {
                if (!await _chunks.Reader.WaitToReadAsync(ct)) return 0;
                _current = await _chunks.Reader.ReadAsync(ct);
                _offset = 0;
            }
            int n = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsMemory(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
