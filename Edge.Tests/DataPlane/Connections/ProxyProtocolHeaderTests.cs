using System.Buffers;
using System.Text;
using Edge.DataPlane.Connections;
using Outcome = Edge.DataPlane.Connections.ProxyProtocolHeader.Outcome;

namespace Edge.Tests.DataPlane.Connections;

/// <summary>HAProxy's PROXY protocol spec (v1 text, v2 binary), as the load balancers in front of Edge write it.</summary>
public class ProxyProtocolHeaderTests
{
    private const string Request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

    [Test]
    [Arguments("PROXY TCP4 203.0.113.50 10.0.0.1 51000 443\r\n", "203.0.113.50:51000")]
    [Arguments("PROXY TCP6 2001:db8::7 2001:db8::1 4242 80\r\n", "[2001:db8::7]:4242")]
    [Arguments("PROXY UNKNOWN\r\n", "")]
    [Arguments("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n", "")]
    public async Task Version_1_gives_the_client_address_and_the_header_length(string header, string expected)
    {
        var outcome = ProxyProtocolHeader.TryRead(Bytes(header + Request), out int length, out var source, out var error);
        await Assert.That(outcome).IsEqualTo(Outcome.Parsed).Because(error ?? "");
        await Assert.That(length).IsEqualTo(header.Length).Because("the request after the header is left for HTTP");
        await Assert.That(source?.ToString() ?? "").IsEqualTo(expected);
    }

    [Test]
    [Arguments("PROXY TCP4 203.0.113.50 10.0.0.1 51000\r\n")]              // a port missing
    [Arguments("PROXY TCP4 2001:db8::7 10.0.0.1 1 2\r\n")]                 // IPv6 under TCP4
    [Arguments("PROXY TCP4 203.0.113.50 10.0.0.1 51000 443\n")]           // LF without CR
    [Arguments("PROXY TCP4 203.0.113.50 10.0.0.1 70000 443\r\n")]         // port out of range
    [Arguments("PROXY TCP4 203.0.113.50 10.0.0.1 0443 443\r\n")]          // leading zero
    [Arguments("PROXY UDP4 203.0.113.50 10.0.0.1 1 2\r\n")]
    public async Task A_broken_version_1_header_is_invalid(string header)
    {
        var outcome = ProxyProtocolHeader.TryRead(Bytes(header + Request), out _, out _, out var error);
        await Assert.That(outcome).IsEqualTo(Outcome.Invalid);
        await Assert.That(error).IsNotNull();
    }

    [Test]
    public async Task A_version_1_line_longer_than_107_bytes_is_invalid_instead_of_waiting_forever()
    {
        var outcome = ProxyProtocolHeader.TryRead(Bytes("PROXY TCP4 " + new string('1', 120)), out _, out _, out _);
        await Assert.That(outcome).IsEqualTo(Outcome.Invalid);
    }

    [Test]
    [Arguments("GET / HTTP/1.1\r\n")]
    [Arguments("POST / HTTP/1.1\r\n")]
    [Arguments("PUT / HTTP/1.1\r\n")]
    [Arguments("PRI * HTTP/2.0\r\n")]
    public async Task Requests_without_a_header_are_left_alone(string start)
    {
        await Assert.That(ProxyProtocolHeader.TryRead(Bytes(start), out _, out _, out _)).IsEqualTo(Outcome.None);
    }

    [Test]
    public async Task A_TLS_ClientHello_is_not_a_header() =>
        await Assert.That(ProxyProtocolHeader.TryRead(new ReadOnlySequence<byte>([0x16, 0x03, 0x01, 0x02, 0x00]), out _, out _, out _)).IsEqualTo(Outcome.None);

    [Test]
    [Arguments("P")]
    [Arguments("PROX")]
    [Arguments("PROXY TCP4 203.0.113.50 10.0")]
    public async Task A_partial_version_1_header_needs_more(string start) =>
        await Assert.That(ProxyProtocolHeader.TryRead(Bytes(start), out _, out _, out _)).IsEqualTo(Outcome.NeedMore);

    [Test]
    public async Task Version_2_over_IPv4_with_TLVs_gives_the_source()
    {
        byte[] tlv = [0x04, 0x00, 0x03, 0xAA, 0xBB, 0xCC];   // PP2_TYPE_NOOP, skipped
        var header = V2(0x21, 0x11, [203, 0, 113, 50, 10, 0, 0, 1, 0xC7, 0x38, 0x01, 0xBB, .. tlv]);
        var outcome = ProxyProtocolHeader.TryRead(new ReadOnlySequence<byte>([.. header, .. Encoding.ASCII.GetBytes(Request)]), out int length, out var source, out _);
        await Assert.That(outcome).IsEqualTo(Outcome.Parsed);
        await Assert.That(length).IsEqualTo(header.Length);
        await Assert.That(source!.ToString()).IsEqualTo("203.0.113.50:51000");
    }

    [Test]
    public async Task Version_2_over_IPv6_gives_the_source()
    {
        byte[] src = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
        byte[] dst = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        var header = V2(0x21, 0x21, [.. src, .. dst, 0x10, 0x92, 0x00, 0x50]);
        await Assert.That(ProxyProtocolHeader.TryRead(new ReadOnlySequence<byte>(header), out _, out var source, out _)).IsEqualTo(Outcome.Parsed);
        await Assert.That(source!.ToString()).IsEqualTo("[2001:db8::7]:4242");
    }

    [Test]
    public async Task Version_2_LOCAL_keeps_the_connection_address()
    {
        var header = V2(0x20, 0x00, []);
        await Assert.That(ProxyProtocolHeader.TryRead(new ReadOnlySequence<byte>(header), out int length, out var source, out _)).IsEqualTo(Outcome.Parsed);
        await Assert.That(length).IsEqualTo(16);
        await Assert.That(source).IsNull();
    }

    [Test]
    public async Task Version_2_split_across_reads_needs_more_until_its_payload_is_in()
    {
        var header = V2(0x21, 0x11, [203, 0, 113, 50, 10, 0, 0, 1, 0xC7, 0x38, 0x01, 0xBB]);
        await Assert.That(ProxyProtocolHeader.TryRead(new ReadOnlySequence<byte>(header[..10]), out _, out _, out _)).IsEqualTo(Outcome.NeedMore);
        await Assert.That(ProxyProtocolHeader.TryRead(new ReadOnlySequence<byte>(header[..20]), out _, out _, out _)).IsEqualTo(Outcome.NeedMore);
        await Assert.That(ProxyProtocolHeader.TryRead(new ReadOnlySequence<byte>(header), out _, out _, out _)).IsEqualTo(Outcome.Parsed);
    }

    [Test]
    [Arguments(0x11)]   // version 1 in the binary form
    [Arguments(0x22)]   // command 2 does not exist
    public async Task Version_2_with_a_bad_version_or_command_is_invalid(int versionCommand) =>
        await Assert.That(ProxyProtocolHeader.TryRead(new ReadOnlySequence<byte>(V2((byte)versionCommand, 0x11, new byte[12])), out _, out _, out _)).IsEqualTo(Outcome.Invalid);

    internal static byte[] V2(byte versionCommand, byte family, byte[] payload) =>
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, versionCommand, family, (byte)(payload.Length >> 8), (byte)payload.Length, .. payload];

    private static ReadOnlySequence<byte> Bytes(string s) => new(Encoding.ASCII.GetBytes(s));
}
