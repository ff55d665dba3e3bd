using System.Net;

namespace Edge.Security.Acme.Dns;

/// <summary>
/// dnsChallenge as Traefik configures it: the provider's settings (only lego's rfc2136 is
/// implemented), propagation.delayBeforeChecks (waited before the check), propagation.disableChecks
/// and the resolvers the check asks (the provider's nameserver when none is given).
/// </summary>
public sealed record Dns01Settings(Rfc2136Settings Rfc2136, TimeSpan DelayBeforeChecks, bool DisableChecks, IReadOnlyList<IPEndPoint> Resolvers);

/// <summary>
/// DNS-01 (RFC 8555 §8.4) through RFC 2136: the TXT record <c>_acme-challenge.&lt;domain&gt;</c>
/// (the base domain for a wildcard) holding base64url(SHA-256(key authorization)) is added, seen
/// by the resolvers, and deleted again when the authorization is over.
/// </summary>
public sealed class Dns01Solver(Dns01Settings settings)
{
    private readonly Rfc2136Client _client = new(settings.Rfc2136);

    public static string RecordName(string domain) => "_acme-challenge." + DnsMessage.Fqdn(domain.StartsWith("*.", StringComparison.Ordinal) ? domain[2..] : domain);

    /// <summary>Adds the record and waits until it can be seen; returns what <see cref="CleanUpAsync"/> needs.</summary>
    public async Task<(string Zone, string Name, string Value)> PresentAsync(string domain, string keyAuthorization, CancellationToken ct)
    {
        var name = RecordName(domain);
        var value = Rfc2136Client.TxtValueOf(keyAuthorization);
        var zone = await _client.ZoneOfAsync(name, ct);
        await _client.AddTxtAsync(zone, name, value, ct);
        if (settings.DelayBeforeChecks > TimeSpan.Zero) await Task.Delay(settings.DelayBeforeChecks, ct);
        if (settings.DisableChecks) return (zone, name, value);
        var servers = settings.Resolvers.Count > 0 ? settings.Resolvers : [settings.Rfc2136.Nameserver];
        var deadline = DateTime.UtcNow + settings.Rfc2136.PropagationTimeout;
        foreach (var server in servers)
            while (true)
            {
                List<string> seen;
                try { seen = await _client.TxtAsync(server, name, ct); }
                catch (DnsException) { seen = []; }
                if (seen.Contains(value)) break;
                if (DateTime.UtcNow > deadline)
                    throw new DnsException($"the TXT record {name} was not seen by {server} within {settings.Rfc2136.PropagationTimeout.TotalSeconds}s (RFC2136_PROPAGATION_TIMEOUT)");
                await Task.Delay(settings.Rfc2136.PollingInterval, ct);
            }
        return (zone, name, value);
    }

    public Task CleanUpAsync((string Zone, string Name, string Value) record, CancellationToken ct) =>
        _client.DeleteTxtAsync(record.Zone, record.Name, record.Value, ct);
}
