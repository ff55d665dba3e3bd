using System.Net;
using Edge.DataPlane.Routing;
using Edge.Observability.Logging;
using Microsoft.AspNetCore.Connections;

namespace Edge.DataPlane.Connections;

/// <summary>
/// entryPoints.&lt;name&gt;.proxyProtocol: reads a PROXY protocol header (v1 or v2) before anything
/// else on the connection, TLS included, and makes the client address it carries the connection's
/// remote address (for X-Forwarded-For, ClientIP rules, IP allow lists, access logs). As Traefik:
/// the header is optional; from an address outside <c>trustedIPs</c> (unless <c>insecure</c>) it is
/// read and dropped, the real address kept; a broken header closes the connection.
/// </summary>
public sealed class ProxyProtocolMiddleware(string entryPoint, IReadOnlyList<IpPrefix> trusted, bool insecure, TimeSpan readTimeout)
{
    public static ProxyProtocolMiddleware Create(string entryPoint, IEnumerable<string> trustedIPs, bool insecure, TimeSpan readTimeout)
    {
        var prefixes = new List<IpPrefix>();
        foreach (var s in trustedIPs)
        {
            if (!IpPrefix.TryParse(s.Trim(), out var p, out var why))
                throw new Configuration.ConfigException($"entryPoints.{entryPoint}.proxyProtocol.trustedIPs", $"IPs or CIDRs ({why}), got \"{s}\"");
            prefixes.Add(p);
        }
        return new ProxyProtocolMiddleware(entryPoint, prefixes, insecure, readTimeout);
    }

    public async Task OnConnectionAsync(ConnectionContext ctx, ConnectionDelegate next)
    {
        var input = ctx.Transport.Input;
        using var cts = new CancellationTokenSource(readTimeout > TimeSpan.Zero ? readTimeout : Timeout.InfiniteTimeSpan);
        while (true)
        {
            System.IO.Pipelines.ReadResult read;
            try { read = await input.ReadAsync(cts.Token); }
            catch (OperationCanceledException) { return; }   // never sent a first line
            var buffer = read.Buffer;
            var outcome = ProxyProtocolHeader.TryRead(buffer, out int length, out var source, out var error);
            if (outcome == ProxyProtocolHeader.Outcome.NeedMore && !read.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);   // wait for more bytes
                continue;
            }
            if (outcome == ProxyProtocolHeader.Outcome.Parsed)
            {
                input.AdvanceTo(buffer.GetPosition(length));
                var remote = (ctx.RemoteEndPoint as IPEndPoint)?.Address;
                if (source is not null && (insecure || trusted.Any(t => t.Contains(remote))))
                    ctx.RemoteEndPoint = source;
                else if (source is not null)
                    Log.Debug("PROXY protocol header from an untrusted address ignored", ("entryPoint", entryPoint), ("remote", remote));
                break;
            }
            if (outcome == ProxyProtocolHeader.Outcome.Invalid)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                Log.Debug("Connection closed: broken PROXY protocol header", ("entryPoint", entryPoint), ("remote", ctx.RemoteEndPoint), ("error", error));
                return;
            }
            input.AdvanceTo(buffer.Start, buffer.Start);   // no header: peeked, not consumed
            break;
        }
        await next(ctx);
    }
}
