using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Routing.Requests;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Services;

/// <summary>
/// Traefik's mirroring service (loadbalancer/mirror): the main service answers the client; then
/// each mirror whose share is due (see <see cref="BackendService.ActiveMirrors"/>) gets a copy,
/// fire and forget: its answer is dropped and its failure never reaches the client. With
/// <c>mirrorBody</c> (the default) the body is kept in memory up to <c>maxBodySize</c>; a longer
/// body goes to the main service only, unmirrored. Without it, mirrors get the request without body.
/// </summary>
internal sealed class MirroringForwarder(HttpForwarder forwarder)
{
    public async Task ServeAsync(HttpContext ctx, BackendService service, Func<BackendService, Task> serve, ForwardedHeaders forwarded, RequestPath path)
    {
        var mirroring = service.Model.Mirroring!;
        var mirrors = service.ActiveMirrors();
        if (mirrors.Count == 0)
        {
            await serve(service.Main!).ConfigureAwait(false);
            return;
        }
        byte[]? body = null;
        if (mirroring.MirrorBody ?? true)
        {
            var original = ctx.Request.Body;
            try
            {
                var (bytes, tooLarge) = await ReusableBody.ReadAsync(ctx, mirroring.MaxBodySize ?? -1).ConfigureAwait(false);
                if (tooLarge)
                {
                    ReusableBody.Replay(ctx, bytes, original);
                    await serve(service.Main!).ConfigureAwait(false);
                    return;
                }
                body = bytes;
            }
            catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
            {
                if (!ctx.RequestAborted.IsCancellationRequested)
                    await ReusableBody.ErrorAsync(ctx, StatusCodes.Status500InternalServerError, "Internal Server Error").ConfigureAwait(false);
                return;
            }
            ReusableBody.Replay(ctx, body);
        }
        await serve(service.Main!).ConfigureAwait(false);
        if (ctx.RequestAborted.IsCancellationRequested) return;   // Traefik: no mirroring of a request cancelled during the main call

        // The copies are built now, while the request is alive, and sent after it, one mirror after the other.
        var copies = new List<(BackendService Service, BackendServer Server, HttpRequestMessage Request)>();
        foreach (var mirror in mirrors)
            if (Resolve(ctx, mirror, 0) is { } lb && lb.Pick(ctx, out _) is { } server)
                copies.Add((lb, server, forwarder.BuildMirror(ctx, lb, server, forwarded, path, body)));
        if (copies.Count == 0) return;
        _ = Task.Run(async () =>
        {
            foreach (var (lb, server, request) in copies) await forwarder.SendMirrorAsync(lb, server, request).ConfigureAwait(false);
        });
    }

    /// <summary>The load balancer a mirror's copy goes to: through weighted picks, a failover's live side, a mirroring's main.</summary>
    private static BackendService? Resolve(HttpContext ctx, BackendService service, int depth)
    {
        if (depth > 16) return null;
        switch (service.Kind)
        {
            case ServiceKind.LoadBalancer: return service;
            case ServiceKind.Weighted: return service.Leaf(ctx) is { } leaf && leaf != service ? Resolve(ctx, leaf, depth + 1) : null;
            case ServiceKind.Mirroring: return service.Main is { } main ? Resolve(ctx, main, depth + 1) : null;
            default:
                var side = service.MainUp() ? service.Main : service.FallbackUp() ? service.Fallback : null;
                return side is null ? null : Resolve(ctx, side, depth + 1);
        }
    }
}
