using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Services;

/// <summary>
/// Traefik's failover service (loadbalancer/failover): the main service answers while it is up
/// (its health check says so); when it is down the fallback answers, and when both are down the
/// answer is 503. With <c>errors.status</c>, a main answer whose status is in those ranges is
/// not sent: the request (its body kept in memory, up to <c>errors.maxRequestBodyBytes</c>, else
/// 413) is sent again to the fallback.
/// </summary>
internal static class FailoverForwarder
{
    public static async Task ServeAsync(HttpContext ctx, BackendService service, Func<BackendService, Task> serve)
    {
        var failover = service.Model.Failover!;
        if (service.MainUp())
        {
            var ranges = failover.Errors?.Status is { Count: > 0 } status ? HttpStatusRanges.Parse(status, out _) : null;
            if (ranges is null)
            {
                await serve(service.Main!).ConfigureAwait(false);
                return;
            }
            byte[] body;
            try
            {
                var (bytes, tooLarge) = await ReusableBody.ReadAsync(ctx, failover.Errors!.MaxRequestBodyBytes ?? -1).ConfigureAwait(false);
                if (tooLarge)
                {
                    await ReusableBody.ErrorAsync(ctx, StatusCodes.Status413PayloadTooLarge, "Request body too large").ConfigureAwait(false);
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
            if (!await MainAnsweredAsync(ctx, service.Main!, serve, ranges, body).ConfigureAwait(false)) ReusableBody.Replay(ctx, body);
            else return;
        }
        if (service.FallbackUp())
        {
            await serve(service.Fallback!).ConfigureAwait(false);
            return;
        }
        await ReusableBody.ErrorAsync(ctx, StatusCodes.Status503ServiceUnavailable, "Service Unavailable").ConfigureAwait(false);
    }

    /// <summary>Sends the request to the main service; false (nothing sent to the client) when its status asks for the fallback.</summary>
    private static async Task<bool> MainAnsweredAsync(HttpContext ctx, BackendService main, Func<BackendService, Task> serve, HttpStatusRanges ranges, byte[] body)
    {
        ReusableBody.Replay(ctx, body);
        var original = ctx.Features.Get<IHttpResponseBodyFeature>()!;
        var before = ctx.Response.Headers.Count == 0 ? null : ctx.Response.Headers.ToList();
        var catcher = new StatusCatchingBody(ctx, original, ranges, null);
        ctx.Features.Set<IHttpResponseBodyFeature>(catcher);
        try
        {
            await serve(main).ConfigureAwait(false);
            await catcher.FinishAsync().ConfigureAwait(false);
        }
        finally
        {
            ctx.Features.Set(original);
        }
        if (!catcher.Caught || ctx.Response.HasStarted) return true;
        // The main answer is dropped whole: its status, headers and any failure recorded for it.
        ctx.Response.Headers.Clear();
        foreach (var (name, value) in before ?? []) ctx.Response.Headers[name] = value;
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Features.Set<IForwarderErrorFeature>(null);
        return false;
    }
}
