using System.Threading.Channels;

namespace Edge.Tests.FakeApi;

/// <summary>
/// One open watch. The store writes into the channel under its lock, so replayed history, live events and
/// bookmarks come out in resourceVersion order; the HTTP handler is the single reader.
/// </summary>
internal sealed class WatchSubscription(ResourceType type, ObjectFilter filter) : IDisposable
{
    private readonly CancellationTokenSource _dropped = new();

    public ResourceType Type { get; } = type;

    public ObjectFilter Filter { get; } = filter;

    public Channel<WatchItem> Channel { get; } =
        System.Threading.Channels.Channel.CreateUnbounded<WatchItem>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Fires when the test (or a stop) wants the connection cut, not closed cleanly.</summary>
    public CancellationToken Dropped => _dropped.Token;

    public void Drop()
    {
        try { _dropped.Cancel(); }
        catch (ObjectDisposedException) { /* the watch already ended */ }
    }

    public void Dispose() => _dropped.Dispose();
}
