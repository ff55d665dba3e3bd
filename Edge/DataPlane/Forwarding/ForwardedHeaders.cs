using System.Net;
using Edge.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// Traefik's forwardedHeaders behaviour for one entry point: X-Forwarded-* and X-Real-Ip from an
/// untrusted client are removed before Edge sets its own, so a client cannot spoof its address or
/// scheme to a backend. Trusted sources (trustedIPs, or insecure) keep theirs.
/// </summary>
public sealed class ForwardedHeaders
{
    private static readonly string[] XHeaders =
    [
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Server",
        "X-Forwarded-Uri", "X-Forwarded-Method", "X-Forwarded-Tls-Client-Cert", "X-Forwarded-Tls-Client-Cert-Info", "X-Real-Ip",
        "X-Forwarded-Scheme", "X-Scheme",
    ];

    private static readonly string[] PassedThrough = ["X-Forwarded-Uri", "X-Forwarded-Method", "X-Forwarded-Tls-Client-Cert", "X-Forwarded-Tls-Client-Cert-Info", "X-Forwarded-Scheme", "X-Scheme"];
    private static readonly string ServerName = Environment.MachineName;
    private readonly bool _insecure;
    private readonly bool _notAppendXff;
    private readonly bool _schemeHeaders;
    private readonly List<IPNetwork> _trusted = new();

    public ForwardedHeaders(EntryPointOptions ep)
    {
        _insecure = ep.ForwardedHeadersInsecure;
        _notAppendXff = ep.NotAppendXForwardedFor;
        _schemeHeaders = ep.AddXForwardedSchemeHeaders;
        foreach (var t in ep.ForwardedHeadersTrustedIPs)
        {
            if (IPNetwork.TryParse(t, out var net)) _trusted.Add(net);
            else if (IPAddress.TryParse(t, out var ip)) _trusted.Add(new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else throw new ConfigException($"entryPoints.{ep.Name}.forwardedHeaders.trustedIPs", $"IP addresses or CIDRs, got \"{t}\"");
        }
    }

    public bool IsTrusted(IPAddress? remote)
    {
        if (_insecure) return true;
        if (remote is null || _trusted.Count == 0) return false;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        foreach (var n in _trusted) if (n.Contains(remote)) return true;
        return false;
    }

    /// <summary>Writes the forwarded headers onto the outgoing request.</summary>
    public void Apply(HttpContext ctx, HttpRequestMessage outgoing, bool isWebSocket)
    {
        var req = ctx.Request;
        var remote = ctx.Connection.RemoteIpAddress;
        if (remote is { IsIPv4MappedToIPv6: true }) remote = remote.MapToIPv4();
        var clientIp = remote?.ToString() ?? "";
        bool trusted = IsTrusted(remote);

        StringValues Incoming(string name) => trusted ? req.Headers[name] : StringValues.Empty;

        var proto = Incoming("X-Forwarded-Proto");
        var protoValue = !StringValues.IsNullOrEmpty(proto) ? proto.ToString()
            : isWebSocket ? (req.IsHttps ? "wss" : "ws") : (req.IsHttps ? "https" : "http");
        outgoing.Headers.TryAddWithoutValidation("X-Forwarded-Proto", protoValue);
        if (_schemeHeaders)
        {
            outgoing.Headers.TryAddWithoutValidation("X-Forwarded-Scheme", protoValue);
            outgoing.Headers.TryAddWithoutValidation("X-Scheme", protoValue);
        }

        var host = Incoming("X-Forwarded-Host");
        var hostValue = !StringValues.IsNullOrEmpty(host) ? host.ToString() : req.Host.Value ?? "";
        if (hostValue.Length > 0) outgoing.Headers.TryAddWithoutValidation("X-Forwarded-Host", hostValue);

        var port = Incoming("X-Forwarded-Port");
        string portValue = !StringValues.IsNullOrEmpty(port) ? port.ToString()
            : req.Host.Port?.ToString() ?? (protoValue is "https" or "wss" ? "443" : "80");
        outgoing.Headers.TryAddWithoutValidation("X-Forwarded-Port", portValue);

        outgoing.Headers.TryAddWithoutValidation("X-Forwarded-Server", ServerName);

        var realIp = Incoming("X-Real-Ip");
        outgoing.Headers.TryAddWithoutValidation("X-Real-Ip", !StringValues.IsNullOrEmpty(realIp) ? realIp.ToString() : clientIp);

        // Like Go's ReverseProxy: the client address is appended to a (trusted) existing list.
        var xff = Incoming("X-Forwarded-For");
        var xffValue = StringValues.IsNullOrEmpty(xff) ? (_notAppendXff ? "" : clientIp)
            : _notAppendXff ? string.Join(", ", xff.ToArray()) : string.Join(", ", xff.ToArray()) + ", " + clientIp;
        if (xffValue.Length > 0) outgoing.Headers.TryAddWithoutValidation("X-Forwarded-For", xffValue);

        if (!trusted) return;   // the rest are only ever passed through from a trusted source
        foreach (var name in PassedThrough)
        {
            if (_schemeHeaders && name is "X-Forwarded-Scheme" or "X-Scheme") continue;   // set above, as Traefik's Set does
            var v = Incoming(name);
            if (!StringValues.IsNullOrEmpty(v)) outgoing.Headers.TryAddWithoutValidation(name, v.ToArray());
        }
    }

    /// <summary>Whether <paramref name="name"/> is one of the headers this class owns (not copied as is).</summary>
    public static bool IsForwardedHeader(string name)
    {
        foreach (var h in XHeaders) if (h.Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
