using System.Net;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// The client's request body as the content sent to a server. It remembers whether copying it
/// failed: SocketsHttpHandler reports a broken send and a broken response head with the same
/// exception, and only this tells the two stages apart.
/// </summary>
internal sealed class RequestBodyContent(Stream body, int bufferSize) : StreamContent(body, bufferSize)
{
    public bool Failed { get; private set; }

    /// <summary>Sending the body began: the server may have seen part of the request.</summary>
    public bool Started { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Started = true;
        try
        {
            await base.SerializeToStreamAsync(stream, context, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Failed = true;
            throw;
        }
    }
}
