using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Services;

/// <summary>
/// Traefik's NewReusableRequest: the request body read into memory (up to <c>maxBodySize</c>;
/// negative is unbounded) so that it can be sent more than once: to the main service and its
/// mirrors, or to a failover's main service and then its fallback.
/// </summary>
internal static class ReusableBody
{
    /// <summary>The body, or the bytes read so far with <c>TooLarge</c> when it is longer than <paramref name="maxBodySize"/>.</summary>
    public static async Task<(byte[] Bytes, bool TooLarge)> ReadAsync(HttpContext ctx, long maxBodySize)
    {
        if (ctx.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }) return ([], false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, n);
            // One byte more than allowed is enough to know it is too large (Traefik reads maxBodySize+1).
            if (maxBodySize >= 0 && buffer.Length > maxBodySize) return (buffer.ToArray(), true);
        }
        return (buffer.ToArray(), false);
    }

    /// <summary>Makes the request read <paramref name="bytes"/> (again), then whatever of the original body is left.</summary>
    public static void Replay(HttpContext ctx, byte[] bytes, Stream? rest = null) =>
        ctx.Request.Body = rest is null ? new MemoryStream(bytes, writable: false) : new Forwarding.PrefixedStream(bytes, bytes.Length, rest);

    /// <summary>Error answers as Go's http.Error writes them.</summary>
    public static Task ErrorAsync(HttpContext ctx, int status, string text)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return ctx.Response.WriteAsync(text + "\n");
    }
}
