using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// After a backend answers 101 Switching Protocols (WebSocket), both connections become byte
/// pipes: the client's through Kestrel's upgrade feature (or an HTTP/2 stream, RFC 8441), the backend's through the 101 response
/// content stream SocketsHttpHandler hands back. Bytes are copied both ways until either side ends.
/// </summary>
public static class UpgradeForwarder
{
    /// <param name="accept">Kestrel's upgrade (HTTP/1.1: sends the 101) or extended CONNECT accept (HTTP/2: sends a 200).</param>
    public static async Task<ForwarderError> TunnelAsync(HttpContext ctx, Func<Task<Stream>> accept, HttpResponseMessage response, bool http2)
    {
        foreach (var (name, values) in response.Headers)
        {
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
            // The accept hash answers Edge's own key on an HTTP/2 client's behalf; it means nothing to that client.
            if (http2 && name.Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase)) continue;
            ctx.Response.Headers[name] = values.ToArray();
        }
        if (!http2) ctx.Response.Headers.Upgrade = response.Headers.Upgrade.ToString();
        await using var backend = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        if (!http2) Http1FramingGuard.MarkUpgraded(ctx.Connection.Id);
        await using var client = await accept().ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        var up = Pump(client, backend, cts.Token);
        var down = Pump(backend, client, cts.Token);
        await Task.WhenAny(up, down).ConfigureAwait(false);
        cts.Cancel();
        try { await Task.WhenAll(up, down).ConfigureAwait(false); } catch (Exception) { /* one side closed */ }
        return ForwarderError.None;
    }

    private static async Task Pump(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                await to.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
    }
}
