using System.Diagnostics;
using Edge.DataPlane.Forwarding;
using Edge.Observability;
using Edge.Observability.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>What Traefik's retry.New keeps of a dynamic.Retry, checked.</summary>
internal sealed record RetryOptions(int Attempts, TimeSpan InitialInterval, TimeSpan Timeout, long MaxRequestBodyBytes,
    HttpStatusRanges? Status, bool RetryOnNetworkError, bool RetryNonIdempotentMethod);

/// <summary>
/// Traefik's retry: up to <c>attempts</c> tries of the rest of the chain. An attempt is tried again
/// when the server could not be reached before any of the request was sent (a connect failure, not
/// a reset after the request went out; off with <c>disableRetryOnNetworkError</c>), or when the
/// server answered one of the <c>status</c> ranges — for idempotent methods only unless
/// <c>retryNonIdempotentMethod</c> — and never once anything reached the client. The waits are
/// <see cref="RetryBackoff"/>'s; after <c>timeout</c> the next outcome is answered as it is. The
/// last attempt is answered whatever it gives. A body is replayed: for status retries it is read
/// into memory up to <c>maxRequestBodyBytes</c> (larger: status retries are off for it); a
/// network-error retry needs no copy, as nothing of the body was read. The forwarder learns which
/// outcomes to drop from the <see cref="RetryAttempt"/> feature. Retries are counted in the access
/// log's RetryAttempts and traefik_service_retries_total.
/// </summary>
internal sealed class RetryMiddleware(RetryOptions options) : HttpMiddleware
{
    private readonly Func<int, bool>? _status = options.Status is { } ranges ? ranges.Contains : null;

    public override ProxyHandler Wrap(ProxyHandler next) => options.Attempts == 1 ? next : r => RunAsync(r, next);

    private async Task RunAsync(ProxyRequest r, ProxyHandler next)
    {
        var ctx = r.Context;
        var method = ctx.Request.Method;
        bool idempotent = !(HttpMethods.IsPost(method) || HttpMethods.IsPatch(method) || method == "LOCK");
        var status = options.RetryNonIdempotentMethod || idempotent ? _status : null;
        byte[]? body = null;
        int bodyLength = 0;
        if (status is not null && ctx.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false && ctx.Request.ContentLength != 0)
        {
            ReplayableBody read;
            try { read = await ReplayableBody.ReadAsync(ctx.Request.Body, options.MaxRequestBodyBytes, ctx.RequestAborted).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
            {
                Log.Write(LogLevel.Debug, "Error while creating reusable request for retry middleware", [("error", e.Message)]);
                await Answer(ctx, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
                return;
            }
            if (read.Complete)
            {
                (body, bodyLength) = (read.Buffer, read.Length);
                // Known length: the forwarder sends it as is (and has no chunk framing to check).
                ctx.Request.ContentLength = bodyLength;
            }
            else
            {
                // Too large to keep: status retries are off, what was read goes first.
                status = null;
                ctx.Request.Body = new PrefixedStream(read.Buffer, read.Length, ctx.Request.Body);
            }
        }

        long start = Stopwatch.GetTimestamp();
        RetryBackoff? backoff = null;
        for (int attempt = 1; ; attempt++)
        {
            if (body is not null) ctx.Request.Body = new MemoryStream(body, 0, bodyLength, writable: false);
            if (attempt == options.Attempts)
            {
                await next(r).ConfigureAwait(false);
                return;
            }
            var current = new RetryAttempt(options.RetryOnNetworkError, status, start, options.Timeout);
            ctx.Features.Set(current);
            try { await next(r).ConfigureAwait(false); }
            finally { ctx.Features.Set<RetryAttempt>(null); }
            if (!current.Discarded || ctx.Response.HasStarted) return;

            // Traefik's listener: the request attempt is attempt+1, the retry attempt one less.
            if ((r.Observed ?? ObservedRequest.Of(ctx)) is { } observed)
            {
                observed.RetryAttempts = attempt;
                observed.ForwardError = null;
            }
            ctx.Features.Set<IForwarderErrorFeature>(null);
            ctx.Response.StatusCode = StatusCodes.Status200OK;
            Log.Write(LogLevel.Debug, "New attempt for request", [("attempt", attempt + 1), ("path", ctx.Request.Path.Value)]);
            backoff ??= new RetryBackoff(options.Attempts, options.InitialInterval);
            var wait = backoff.Next();
            if (wait <= TimeSpan.Zero) continue;
            try { await Task.Delay(wait, ctx.RequestAborted).ConfigureAwait(false); }
            catch (OperationCanceledException)
            {
                ctx.Response.StatusCode = ForwarderErrors.StatusClientClosedRequest;
                return;
            }
        }
    }
}

/// <summary>A request body read into memory up to a limit, to be sent again.</summary>
internal readonly record struct ReplayableBody(byte[] Buffer, int Length, bool Complete)
{
    /// <summary>Reads the whole body when it is at most <paramref name="max"/> bytes (negative: no limit); otherwise stops after max+1 bytes.</summary>
    public static async Task<ReplayableBody> ReadAsync(Stream body, long max, CancellationToken ct)
    {
        long limit = max < 0 ? Array.MaxLength - 1 : Math.Min(max, Array.MaxLength - 1);
        var buffer = new byte[(int)Math.Min(limit + 1, 16 * 1024)];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit) return new ReplayableBody(buffer, length, false);
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit + 1));
            }
            int n = await body.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (n == 0) return new ReplayableBody(buffer, length, true);
            length += n;
            if (length > limit) return new ReplayableBody(buffer, length, false);
        }
    }
}
