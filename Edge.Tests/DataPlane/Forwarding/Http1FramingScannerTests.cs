using System.Buffers;
using System.Text;
using Edge.DataPlane.Forwarding;

namespace Edge.Tests.DataPlane.Forwarding;

/// <summary>The framing scanner on raw request streams, whole and byte by byte.</summary>
public class Http1FramingScannerTests
{
    private const string Clean = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    private const string Both = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    // A body that looks like a smuggled header block: only framing-aware scanning gets this right.
    private const string LookAlike = "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static Http1FramingScanner Scan(string raw, bool byteByByte)
    {
        var s = new Http1FramingScanner();
        var bytes = Encoding.ASCII.GetBytes(raw);
        if (!byteByByte) s.Scan(new ReadOnlySequence<byte>(bytes));
        else foreach (var b in bytes) s.Scan(new ReadOnlySequence<byte>([b]));
        return s;
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Both_framings_flag_that_request(bool byteByByte)
    {
        var s = Scan(Clean + Both, byteByByte);
        await Assert.That(s.RejectedRequest).IsEqualTo(2);
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Header_lookalikes_inside_bodies_are_skipped(bool byteByByte)
    {
        var withLength = $"POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: {LookAlike.Length}\r\n\r\n{LookAlike}";
        var chunked = $"POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n{LookAlike.Length:x};ext=1\r\n{LookAlike}\r\n0\r\nX-Trailer: 1\r\n\r\n";
        var s = Scan(withLength + chunked + Clean, byteByByte);
        await Assert.That(s.RejectedRequest).IsEqualTo(0);
        await Assert.That(s.Requests).IsEqualTo(3);
        await Assert.That(s.Stopped).IsFalse();
        var then = Scan(withLength + chunked + Both, byteByByte);
        await Assert.That(then.RejectedRequest).IsEqualTo(3);
    }

    [Test]
    public async Task An_upgrade_header_does_not_stop_the_checks_until_the_connection_is_upgraded()
    {
        var upgrade = Scan("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" + Both, false);
        await Assert.That(upgrade.RejectedRequest).IsEqualTo(2).Because("an Upgrade header alone is no tunnel");
        var s = new Http1FramingScanner();
        s.Scan(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")));
        s.Stop();   // the handler relayed a 101: WebSocket frames follow
        s.Scan(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(Both)));
        await Assert.That(s.RejectedRequest).IsEqualTo(0);
    }

    [Test]
    [Arguments("X: a\u000bb", 400)]
    [Arguments("X: a\u0001b", 400)]
    [Arguments("X: a\u007fb", 400)]
    [Arguments("X: a\rb", 400)]
    [Arguments("X\u0001Y: v", 400)]
    [Arguments("X Y: v", 400)]
    [Arguments("X: a\tb", 0)]
    [Arguments("X: caf\u00e9", 0)]
    [Arguments("Transfer-Encoding: gzip, chunked", 501)]
    [Arguments("Transfer-Encoding: chunked, gzip", 400)]
    [Arguments("Transfer-Encoding: chunked, chunked", 400)]
    [Arguments("Transfer-Encoding: ,", 400)]
    [Arguments("Transfer-Encoding: chunked,", 0)]
    [Arguments("Content-Length: 5\r\nTransfer-Encoding: chunked,", 400)]
    [Arguments("Transfer-Encoding: identity\r\nTransfer-Encoding: chunked", 501)]
    [Arguments("Content-Length: 5\r\nTransfer-Encoding: cow\r\nTransfer-Encoding: chunked", 400)]
    public async Task Header_syntax_and_codings(string header, int status)
    {
        foreach (bool byteByByte in new[] { false, true })
        {
            var s = new Http1FramingScanner();
            var bytes = Encoding.Latin1.GetBytes($"POST / HTTP/1.1\r\nHost: a\r\n{header}\r\n\r\n0\r\n\r\n");
            if (!byteByByte) s.Scan(new ReadOnlySequence<byte>(bytes));
            else foreach (var b in bytes) s.Scan(new ReadOnlySequence<byte>([b]));
            await Assert.That(s.RejectedRequest).IsEqualTo(status == 0 ? 0 : 1).Because(header);
            if (status != 0) await Assert.That(s.RejectStatus).IsEqualTo(status).Because(header);
        }
    }

    [Test]
    public async Task Transfer_encoding_on_http10_is_rejected()
    {
        var s = Scan("POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false);
        await Assert.That(s.RejectedRequest).IsEqualTo(1);
        await Assert.That(s.RejectStatus).IsEqualTo(400);
    }

    [Test]
    public async Task Malformed_input_stops_scanning_without_a_flag()
    {
        var badChunk = Scan("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + Both, false);
        await Assert.That(badChunk.Stopped).IsTrue();
        await Assert.That(badChunk.RejectedRequest).IsEqualTo(0);
        var h2 = Scan("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", false);
        await Assert.That(h2.Stopped).IsTrue();
    }
}
