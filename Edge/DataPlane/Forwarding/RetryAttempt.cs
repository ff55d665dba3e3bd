using System.Diagnostics;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// Set on the request's features by the retry middleware for an attempt that may be retried (not
/// the last one): it tells the forwarder which outcomes to drop instead of answering, as Traefik's
/// retry responseWriter does. A dropped outcome sets <see cref="Discarded"/> and nothing reaches
/// the client, so the middleware can try again.
/// </summary>
public sealed class RetryAttempt(bool onNetworkError, Func<int, bool>? retryStatus, long startTimestamp, TimeSpan timeout)
{
    /// <summary>The forwarder began sending the request (head or body): a network error is no longer retried (Traefik's wroteRequest).</summary>
    public bool WroteRequest { get; set; }

    /// <summary>This attempt's outcome was dropped: nothing was written to the client.</summary>
    public bool Discarded { get; private set; }

    /// <summary>Traefik's timeout: once the retries have taken this long, whatever comes is answered.</summary>
    private bool TimedOut => timeout > TimeSpan.Zero && Stopwatch.GetElapsedTime(startTimestamp) >= timeout;

    /// <summary>A failed forward: dropped when the server could not be reached before any of the request was sent.</summary>
    public bool DiscardError(ForwarderError error)
    {
        if (error != ForwarderError.Connect || !onNetworkError || WroteRequest || TimedOut) return false;
        return Discarded = true;
    }

    /// <summary>A server's answer: dropped when its status is one of the retry middleware's <c>status</c> ranges.</summary>
    public bool DiscardStatus(int status)
    {
        if (retryStatus is null || !retryStatus(status) || TimedOut) return false;
        return Discarded = true;
    }
}
