using Microsoft.AspNetCore.Http;

namespace Edge.Observability.Metrics;

/// <summary>Traefik's protocol and method labels (pkg/middlewares/metrics: getRequestProtocol, getMethod).</summary>
public static class Protocols
{
    public const string Http = "http", WebSocket = "websocket", Sse = "sse", GrpcWeb = "grpc-web", Grpc = "grpc";

    public static string Of(HttpRequest r)
    {
        var h = r.Headers;
        if (h.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase)
            && h.Connection.ToString().Contains("upgrade", StringComparison.OrdinalIgnoreCase)) return WebSocket;
        if (h.Accept.ToString().Equals("text/event-stream", StringComparison.Ordinal)) return Sse;
        var ct = h.ContentType.ToString();
        if (ct.StartsWith("application/grpc-web", StringComparison.Ordinal)) return GrpcWeb;
        if (ct.StartsWith("application/grpc", StringComparison.Ordinal) && r.Protocol == "HTTP/2") return Grpc;
        return Http;
    }

    /// <summary>Known methods keep their (interned) name; anything else is one label value, so a client cannot grow the series count.</summary>
    public static string Method(string m) => m switch
    {
        "HEAD" or "GET" or "POST" or "PUT" or "DELETE" or "CONNECT" or "OPTIONS" or "TRACE" or "PATCH" or "PRI" => HttpMethods.GetCanonicalizedValue(m),
        _ => "EXTENSION_METHOD",
    };
}
