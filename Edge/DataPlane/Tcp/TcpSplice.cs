using System.Net.Sockets;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Tcp;

/// <summary>
/// Copies bytes both ways between a client stream and a server socket until both directions end
/// (Traefik's tcp.Proxy): when the client stops sending, the server's side is shut down for
/// writing (after TLS's close_notify when Edge speaks TLS to it) and the server has <c>terminationDelay</c> to finish; when the server stops, the
/// client's stream is flushed and closed. Either side failing ends both; nothing outlives the call.
/// </summary>
public static class TcpSplice
{
    public static async Task RunAsync(Stream client, TcpServerConnection server, TimeSpan terminationDelay, CancellationToken aborted)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        await using var serverStream = server.Stream;
        var up = Task.Run(async () =>
        {
            try
            {
                await client.CopyToAsync(serverStream, 16 * 1024, cts.Token);
                // The client closed its writing side: pass it on, and bound the wait for the server's rest.
                await server.CloseWriteAsync();
                if (terminationDelay >= TimeSpan.Zero) cts.CancelAfter(terminationDelay);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                cts.Cancel();
            }
        }, CancellationToken.None);
        try
        {
            await serverStream.CopyToAsync(client, 16 * 1024, cts.Token);
            await client.FlushAsync(cts.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Log.Debug("TCP connection ended", ("error", e.Message));
        }
        // The server is done (or failed): stop reading the client too.
        cts.Cancel();
        try { await up; } catch (OperationCanceledException) { }
    }
}
