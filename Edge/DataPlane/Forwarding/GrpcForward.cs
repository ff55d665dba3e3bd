namespace Edge.DataPlane.Forwarding;

/// <summary>
/// Request feature set by the grpcWeb middleware: the request is gRPC now and must reach its
/// server over HTTP/2 — h2c servers always are; a TLS server is then offered h2 by ALPN (falling
/// back to HTTP/1.1 if it declines), unless its ServersTransport has disableHTTP2.
/// </summary>
public sealed class GrpcForward
{
    public static readonly GrpcForward Instance = new();

    private GrpcForward() { }
}
