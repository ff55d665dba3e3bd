using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Connections;

/// <summary>
/// transport.keepAliveMaxRequests / keepAliveMaxTime, as Traefik's keep-alive middleware: one per
/// HTTP/1 connection (a connection feature, so each request on it sees the same one); the request
/// that reaches either limit is answered with <c>Connection: close</c> and the connection ends after it.
/// </summary>
public sealed class KeepAliveBudget(int maxRequests, TimeSpan maxTime)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private int _requests;

    /// <summary>Counts one request; true when the connection must close after answering it.</summary>
    public bool Spend()
    {
        int n = Interlocked.Increment(ref _requests);
        if (maxRequests > 0 && n >= maxRequests) return true;
        return maxTime > TimeSpan.Zero && Stopwatch.GetElapsedTime(_start) > maxTime;
    }

    /// <summary>Marks the response of an HTTP/1 request whose connection has spent its budget.</summary>
    public static void Apply(HttpContext ctx)
    {
        if (ctx.Features.Get<KeepAliveBudget>() is { } budget && budget.Spend() && ctx.Request.Protocol is "HTTP/1.1" or "HTTP/1.0")
            ctx.Response.Headers.Connection = "close";
    }
}
