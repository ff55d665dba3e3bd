using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Security.Acme.Dns;

/// <summary>
/// lego's rfc2136 provider settings, from its environment variables (same names and defaults):
/// RFC2136_NAMESERVER (required, port 53 when none), RFC2136_TSIG_KEY / RFC2136_TSIG_SECRET
/// (both or neither), RFC2136_TSIG_ALGORITHM (hmac-sha1. by default, as lego), RFC2136_TTL (120),
/// RFC2136_PROPAGATION_TIMEOUT (60 s), RFC2136_POLLING_INTERVAL (2 s), RFC2136_SEQUENCE_INTERVAL
/// (60 s) and RFC2136_DNS_TIMEOUT (10 s), durations in seconds.
/// </summary>
public sealed record Rfc2136Settings(IPEndPoint Nameserver, TsigKey? Key, uint Ttl, TimeSpan PropagationTimeout,
    TimeSpan PollingInterval, TimeSpan SequenceInterval, TimeSpan DnsTimeout)
{
    /// <summary>The settings, or an exception naming the variable that is wrong.</summary>
    public static Rfc2136Settings FromEnvironment(Func<string, string?> env)
    {
        string? Get(string n) => env(n) is { Length: > 0 } v ? v.Trim() : null;
        var ns = Get("RFC2136_NAMESERVER") ?? throw new ArgumentException("RFC2136_NAMESERVER is not set (rfc2136: some credentials information are missing: RFC2136_NAMESERVER)");
        var endpoint = Endpoint(ns) ?? throw new ArgumentException($"RFC2136_NAMESERVER must be an IP address with an optional port, got \"{ns}\"");
        var keyName = Get("RFC2136_TSIG_KEY");
        var secret = Get("RFC2136_TSIG_SECRET");
        TsigKey? key = null;
        if ((keyName is null) != (secret is null))
            throw new ArgumentException("RFC2136_TSIG_KEY and RFC2136_TSIG_SECRET go together (one is set without the other)");
        if (keyName is not null)
        {
            var alg = Get("RFC2136_TSIG_ALGORITHM") ?? "hmac-sha1.";
            var name = TsigKey.AlgorithmName(alg) is { } a && a != "hmac-sha224." ? a
                : throw new ArgumentException($"RFC2136_TSIG_ALGORITHM must be one of hmac-sha1., hmac-sha256., hmac-sha384., hmac-sha512., got \"{alg}\"");
            byte[] bytes;
            try { bytes = Convert.FromBase64String(secret!); }
            catch (FormatException) { throw new ArgumentException("RFC2136_TSIG_SECRET must be base64 (as in a bind key statement)"); }
            key = new TsigKey(DnsMessage.Fqdn(keyName), name, bytes);
        }
        return new(endpoint, key, (uint)Seconds(Get, "RFC2136_TTL", 120), TimeSpan.FromSeconds(Seconds(Get, "RFC2136_PROPAGATION_TIMEOUT", 60)),
            TimeSpan.FromSeconds(Seconds(Get, "RFC2136_POLLING_INTERVAL", 2)), TimeSpan.FromSeconds(Seconds(Get, "RFC2136_SEQUENCE_INTERVAL", 60)),
            TimeSpan.FromSeconds(Seconds(Get, "RFC2136_DNS_TIMEOUT", 10)));
    }

    private static int Seconds(Func<string, string?> get, string name, int def) =>
        get(name) is not { } v ? def : int.TryParse(v, out var n) && n >= 0 ? n : throw new ArgumentException($"{name} must be a number of seconds, got \"{v}\"");

    public static IPEndPoint? Endpoint(string s)
    {
        if (IPEndPoint.TryParse(s, out var ep) && (ep.Port != 0 || IPAddress.TryParse(s, out _)))
            return ep.Port == 0 ? new IPEndPoint(ep.Address, 53) : ep;
        return null;
    }
}

/// <summary>
/// A minimal RFC 2136 client over TCP (two-byte length prefix, RFC 1035 §4.2.2): finds the zone of
/// a name from the SOA the nameserver returns, adds or deletes one TXT record in a TSIG-signed
/// UPDATE, and asks for TXT records to see the change.
/// </summary>
public sealed class Rfc2136Client(Rfc2136Settings settings)
{
    public Rfc2136Settings Settings => settings;

    /// <summary>The zone holding <paramref name="name"/>: the owner of the SOA in the answer or authority section.</summary>
    public async Task<string> ZoneOfAsync(string name, CancellationToken ct)
    {
        var response = await ExchangeAsync(settings.Nameserver, DnsMessage.Query(NewId(), name, DnsRecord.Soa), ct);
        foreach (var (_, _, r) in DnsMessage.Records(response))
            if (r.Type == DnsRecord.Soa) return r.Name;
        throw new DnsException($"the nameserver {settings.Nameserver} returned no SOA for {name} ({DnsMessage.RcodeName(DnsMessage.Rcode(response))}): is it authoritative for its zone?");
    }

    public Task AddTxtAsync(string zone, string name, string value, CancellationToken ct) => UpdateAsync(zone, name, value, delete: false, ct);

    public Task DeleteTxtAsync(string zone, string name, string value, CancellationToken ct) => UpdateAsync(zone, name, value, delete: true, ct);

    private async Task UpdateAsync(string zone, string name, string value, bool delete, CancellationToken ct)
    {
        var message = DnsMessage.Update(NewId(), zone, name, value, settings.Ttl, delete);
        byte[]? mac = null;
        if (settings.Key is { } key) (message, mac) = Tsig.Sign(message, key, DateTimeOffset.UtcNow);
        var response = await ExchangeAsync(settings.Nameserver, message, ct);
        var what = $"{(delete ? "deleting" : "adding")} the TXT record {name} in zone {zone} at {settings.Nameserver}";
        if (DnsMessage.Rcode(response) != 0)
        {
            var why = settings.Key is { } k && Tsig.Verify(response, mac!, k) is { } t && t.Contains("TSIG error") ? $" ({t})" : "";
            throw new DnsException($"{what}: the server answered {DnsMessage.RcodeName(DnsMessage.Rcode(response))}{why}");
        }
        if (settings.Key is { } k2 && Tsig.Verify(response, mac!, k2) is { } bad) throw new DnsException($"{what}: {bad}");
    }

    /// <summary>The TXT values at <paramref name="name"/> as <paramref name="server"/> answers them.</summary>
    public async Task<List<string>> TxtAsync(IPEndPoint server, string name, CancellationToken ct)
    {
        var response = await ExchangeAsync(server, DnsMessage.Query(NewId(), name, DnsRecord.Txt), ct);
        return DnsMessage.Records(response).Where(x => x.Section == 1 && x.Record.Type == DnsRecord.Txt && x.Record.Name == DnsMessage.Fqdn(name))
            .Select(x => DnsMessage.TxtValue(x.Record.Data)).ToList();
    }

    private async Task<byte[]> ExchangeAsync(IPEndPoint server, byte[] message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.DnsTimeout);
        try
        {
            using var tcp = new TcpClient(server.AddressFamily);
            await tcp.ConnectAsync(server, timeout.Token);
            var stream = tcp.GetStream();
            var framed = new byte[message.Length + 2];
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
            message.CopyTo(framed, 2);
            await stream.WriteAsync(framed, timeout.Token);
            var len = new byte[2];
            await stream.ReadExactlyAsync(len, timeout.Token);
            var response = new byte[BinaryPrimitives.ReadUInt16BigEndian(len)];
            await stream.ReadExactlyAsync(response, timeout.Token);
            if (response.Length < 12 || DnsMessage.Id(response) != DnsMessage.Id(message) || !DnsMessage.IsResponse(response))
                throw new DnsException($"{server} sent an answer that does not match the request");
            return response;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DnsException($"no answer from the nameserver {server} within {settings.DnsTimeout.TotalSeconds}s (RFC2136_DNS_TIMEOUT)");
        }
        catch (SocketException e)
        {
            throw new DnsException($"the nameserver {server} is unreachable: {e.Message}");
        }
    }

    private static ushort NewId() => (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);

    /// <summary>The DNS-01 record value (RFC 8555 §8.4): base64url(SHA-256(key authorization)).</summary>
    public static string TxtValueOf(string keyAuthorization) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
