namespace Edge.DataPlane.Forwarding;

/// <summary>
/// The stage in which forwarding one request failed, in the order a forward goes through them
/// (YARP's <c>ForwarderError</c>, reduced to what the user of a proxy can act on). The stage says
/// whose fault it is: the client's (<see cref="RequestBody"/>, <see cref="ClientAborted"/>), the
/// configuration's (<see cref="NoServer"/>), or the server's (all the others).
/// </summary>
public enum ForwarderError
{
    None,
    /// <summary>The service has no server to pick (allowEmptyServices, all servers gone): 503.</summary>
    NoServer,
    /// <summary>The client's request body is malformed (a bad chunk before anything was sent): 400.</summary>
    RequestBody,
    /// <summary>No connection to the server: refused, unreachable, name resolution, TLS handshake: 502 (504 when it timed out).</summary>
    Connect,
    /// <summary>Connected, but sending the request (head or body) to the server failed: 502.</summary>
    RequestSend,
    /// <summary>No valid response head: the server reset, ended or garbled it: 502; responseHeaderTimeout: 504.</summary>
    ResponseHeaders,
    /// <summary>The server failed after the response started: the client connection is aborted (the only signal left).</summary>
    ResponseBody,
    /// <summary>The client went away: 499 (Traefik's "Client Closed Request") in the access log and metrics.</summary>
    ClientAborted,
    /// <summary>An upgrade refused: a 101 to something not asked for (502), an extended CONNECT for another protocol (501).</summary>
    Upgrade,
}

/// <summary>
/// Set on the request's features when a forward fails, so that whatever runs after the forwarder
/// (middlewares such as retry or circuit breakers, observability) reads one classification instead
/// of guessing from status codes.
/// </summary>
public interface IForwarderErrorFeature
{
    ForwarderError Error { get; }
    /// <summary>True when the stage failed by a timeout (connect timeout, responseHeaderTimeout).</summary>
    bool TimedOut { get; }
    Exception? Exception { get; }
}

internal sealed record ForwarderErrorFeature(ForwarderError Error, bool TimedOut, Exception? Exception) : IForwarderErrorFeature;
