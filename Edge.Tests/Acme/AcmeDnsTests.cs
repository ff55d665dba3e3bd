using System.Net;
using Edge.Configuration;
using Edge.Providers.Acme;
using Edge.Security.Acme.Dns;

namespace Edge.Tests.Acme;

/// <summary>
/// The DNS-01 pieces: RFC 2136 UPDATE encoding (exact bytes), the RFC 8555 TXT value, lego's
/// RFC2136_* environment, and the client against a real bind9 on loopback: a TSIG-signed update
/// accepted and its signed answer verified (so the MAC is computed as bind computes it, both
/// ways), a wrong secret refused with BADSIG, an unsigned update refused, the record seen then gone.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AcmeDnsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-dns-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task An_update_adding_a_txt_record_is_encoded_as_rfc_2136_says()
    {
        var m = DnsMessage.Update(0x1234, "example.", "_a.example.", "xy", ttl: 120, delete: false);
        byte[] expected = [
            0x12, 0x34, 0x28, 0x00, 0, 1, 0, 0, 0, 1, 0, 0,        // id, opcode UPDATE (5 << 11), ZO=1 PR=0 UP=1 AD=0
            7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 0, 0, 6, 0, 1,   // zone example. SOA IN
            2, (byte)'_', (byte)'a', 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 0,
            0, 16, 0, 1, 0, 0, 0, 120, 0, 3, 2, (byte)'x', (byte)'y']; // TXT IN ttl 120, rdata "xy"
        await Assert.That(m).IsEquivalentTo(expected);
        var delete = DnsMessage.Update(1, "example.", "_a.example.", "xy", ttl: 120, delete: true);
        // Delete an RR from an RRset (RFC 2136 §2.5.4): class NONE, TTL 0, the same RDATA.
        await Assert.That(delete[^13..]).IsEquivalentTo(new byte[] { 0, 16, 0, 254, 0, 0, 0, 0, 0, 3, 2, (byte)'x', (byte)'y' });
    }

    [Test]
    public async Task The_txt_value_is_base64url_of_sha256_of_the_key_authorization()
    {
        // SHA-256("abc") is FIPS 180-2's first vector: ba7816bf 8f01cfea ... f20015ad.
        await Assert.That(Rfc2136Client.TxtValueOf("abc")).IsEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        await Assert.That(Dns01Solver.RecordName("*.Wild.Example")).IsEqualTo("_acme-challenge.wild.example.");
        await Assert.That(Dns01Solver.RecordName("app.example")).IsEqualTo("_acme-challenge.app.example.");
        // A value over 255 bytes is split into character-strings.
        var long300 = DnsMessage.TxtData(new string('a', 300));
        await Assert.That(long300.Length).IsEqualTo(302);
        await Assert.That(DnsMessage.TxtValue(long300)).IsEqualTo(new string('a', 300));
    }

    [Test]
    public async Task Legos_rfc2136_environment_is_read_with_its_defaults_and_errors_name_the_variable()
    {
        var env = new Dictionary<string, string> { ["RFC2136_NAMESERVER"] = "127.0.0.1", ["RFC2136_TSIG_KEY"] = "k", ["RFC2136_TSIG_SECRET"] = "c2VjcmV0" };
        var s = Rfc2136Settings.FromEnvironment(n => env.GetValueOrDefault(n));
        await Assert.That(s.Nameserver).IsEqualTo(new IPEndPoint(IPAddress.Loopback, 53));
        await Assert.That(s.Key!.Name).IsEqualTo("k.");
        await Assert.That(s.Key.Algorithm).IsEqualTo("hmac-sha1.");   // lego's default
        await Assert.That(s.Ttl).IsEqualTo(120u);
        await Assert.That(s.PropagationTimeout).IsEqualTo(TimeSpan.FromSeconds(60));
        await Assert.That(s.PollingInterval).IsEqualTo(TimeSpan.FromSeconds(2));
        await Assert.That(s.DnsTimeout).IsEqualTo(TimeSpan.FromSeconds(10));

        var o = new AcmeResolverOptions { Name = "le", DnsChallenge = true, DnsProvider = "rfc2136" };
        var missing = Assert.Throws<ConfigException>(() => Dns01.Of(o, _ => null));
        await Assert.That(missing.Option).IsEqualTo("certificatesResolvers.le.acme.dnsChallenge.provider");
        await Assert.That(missing.Message).Contains("RFC2136_NAMESERVER");
        env.Remove("RFC2136_TSIG_SECRET");
        await Assert.That(Assert.Throws<ConfigException>(() => Dns01.Of(o, n => env.GetValueOrDefault(n))).Message).Contains("RFC2136_TSIG_SECRET");
        env["RFC2136_TSIG_SECRET"] = "c2VjcmV0"; env["RFC2136_TSIG_ALGORITHM"] = "hmac-md5.sig-alg.reg.int.";
        await Assert.That(Assert.Throws<ConfigException>(() => Dns01.Of(o, n => env.GetValueOrDefault(n))).Message).Contains("RFC2136_TSIG_ALGORITHM");
    }

    [Test]
    public async Task Bind_accepts_the_signed_update_verifies_as_we_do_and_refuses_a_wrong_key()
    {
        await using var bind = await BindServer.StartAsync(_dir);
        var settings = new Rfc2136Settings(bind.EndPoint, bind.Key, 60, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200), TimeSpan.Zero, TimeSpan.FromSeconds(5));
        var client = new Rfc2136Client(settings);
        const string name = "_acme-challenge.app.acme.test.";
        await Assert.That(await client.ZoneOfAsync(name, CancellationToken.None)).IsEqualTo("acme.test.");
        // Accepted, and bind's signed answer verifies with our MAC (AddTxtAsync throws otherwise).
        await client.AddTxtAsync("acme.test.", name, "value-1", CancellationToken.None);
        await Assert.That(await client.TxtAsync(bind.EndPoint, name, CancellationToken.None)).IsEquivalentTo(new[] { "value-1" });

        var wrong = new Rfc2136Client(settings with { Key = bind.Key with { Secret = new byte[32] } });
        var badSig = Assert.ThrowsAsync<DnsException>(() => wrong.AddTxtAsync("acme.test.", name, "value-2", CancellationToken.None));
        await Assert.That((await badSig)!.Message).Contains("NOTAUTH").And.Contains("BADSIG");
        var unsigned = new Rfc2136Client(settings with { Key = null });
        await Assert.That((await Assert.ThrowsAsync<DnsException>(() => unsigned.AddTxtAsync("acme.test.", name, "value-3", CancellationToken.None)))!.Message).Contains("REFUSED");

        await client.DeleteTxtAsync("acme.test.", name, "value-1", CancellationToken.None);
        await Assert.That(await client.TxtAsync(bind.EndPoint, name, CancellationToken.None)).IsEmpty();
    }
}
