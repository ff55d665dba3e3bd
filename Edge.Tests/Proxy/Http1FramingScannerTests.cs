using System.Buffers;
using System.Text;
using Edge.Proxy;

namespace Edge.Tests.Proxy;

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
        await Assert.That(s.AmbiguousRequest).IsEqualTo(2);
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Header_lookalikes_inside_bodies_are_skipped(bool byteByByte)
    {
        var withLength = $"POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: {LookAlike.Length}\r\n\r\n{LookAlike}";
        var chunked = $"POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n{LookAlike.Length:x};ext=1\r\n{LookAlike}\r\n0\r\nX-Trailer: 1\r\n\r\n";
        var s = Scan(withLength + chunked + Clean, byteByByte);
        await Assert.That(s.AmbiguousRequest).IsEqualTo(0);
        await Assert.That(s.Requests).IsEqualTo(3);
        await Assert.That(s.Stopped).IsFalse();
        var then = Scan(withLength + chunked + Both, byteByByte);
        await Assert.That(then.AmbiguousRequest).IsEqualTo(3);
    }

    [Test]
    public async Task Upgrades_and_malformed_input_stop_scanning_without_a_flag()
    {
        var upgrade = Scan("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" + Both, false);
        await Assert.That(upgrade.Stopped).IsTrue();
        await Assert.That(upgrade.AmbiguousRequest).IsEqualTo(0);
        var badChunk = Scan("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + Both, false);
        await Assert.That(badChunk.Stopped).IsTrue();
        await Assert.That(badChunk.AmbiguousRequest).IsEqualTo(0);
        var h2 = Scan("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", false);
        await Assert.That(h2.Stopped).IsTrue();
    }
}
