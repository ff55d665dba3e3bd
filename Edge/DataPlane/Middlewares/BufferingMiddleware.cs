using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares.Expressions;
using Edge.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

internal sealed record BufferingOptions(long MaxRequestBodyBytes, long MemRequestBodyBytes, long MaxResponseBodyBytes, long MemResponseBodyBytes,
    Func<BufferingMiddleware.Outcome, bool>? Retry);

/// <summary>
/// Traefik's buffering (oxy's buffer): the whole request body is read before anything goes to the
/// service — in memory up to <c>memRequestBodyBytes</c>, then in a temporary file — and sent with a
/// fixed Content-Length; a body over <c>maxRequestBodyBytes</c> (declared or read) is answered 413
/// "Maximum size N was reached" and never forwarded. The response is buffered the same way: over
/// <c>maxResponseBodyBytes</c> the client gets 500 instead. With <c>retryExpression</c> the request
/// is sent again while the expression holds for the answer (<c>Attempts()</c>,
/// <c>ResponseCode()</c>, <c>IsNetworkError()</c>: 502 or 504), at most oxy's 10 attempts; only
/// the last answer reaches the client. Limits of 0 mean none; memory thresholds default to 1 MiB.
/// </summary>
internal sealed class BufferingMiddleware(BufferingOptions options) : HttpMiddleware
{
    /// <summary>oxy's DefaultMaxRetryAttempts.</summary>
    private const int MaxAttempts = 10;

    /// <summary>What a retryExpression reads after one attempt.</summary>
    internal readonly record struct Outcome(int Attempt, int ResponseCode);

    public static readonly IReadOnlyList<PredicateFunction<Outcome>> Functions =
    [
        new("Attempts", [], ResultKind.Int, _ => o => o.Attempt),
        new("ResponseCode", [], ResultKind.Int, _ => o => o.ResponseCode),
        new("IsNetworkError", [], ResultKind.Bool, _ => o => o.ResponseCode is 502 or 504 ? 1 : 0),
    ];

    public override ProxyHandler Wrap(ProxyHandler next) => r => ServeAsync(r, next);

    private async Task ServeAsync(ProxyRequest r, ProxyHandler next)
    {
        var ctx = r.Context;
        if (options.MaxRequestBodyBytes > 0 && ctx.Request.ContentLength > options.MaxRequestBodyBytes)
        {
            await TooLarge(ctx, options.MaxRequestBodyBytes);
            return;
        }
        SpoolBuffer? body = null;
        if (ctx.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? ctx.Request.ContentLength > 0)
        {
            body = new SpoolBuffer(options.MemRequestBodyBytes, options.MaxRequestBodyBytes);
            ctx.Response.RegisterForDispose(body);
            try { await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted); }
            catch (BufferLimitExceededException e)
            {
                await TooLarge(ctx, e.Max);
                return;
            }
            catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
            {
                // oxy's error handler: the client went away (499) or its body was unreadable.
                bool gone = ctx.RequestAborted.IsCancellationRequested;
                ctx.Response.StatusCode = gone ? ForwarderErrors.StatusClientClosedRequest : StatusCodes.Status400BadRequest;
                if (!gone) await ctx.Response.WriteAsync(ReasonPhrases.Of(StatusCodes.Status400BadRequest));
                return;
            }
            // Known length from here on: the service gets Content-Length, not the client's chunks.
            ctx.Request.ContentLength = body.Length;
        }

        var client = ctx.Response.Body;
        var response = new SpoolBuffer(options.MemResponseBodyBytes, options.MaxResponseBodyBytes);
        ctx.Response.RegisterForDispose(response);
        var headersBefore = ctx.Response.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        for (int attempt = 1; ; attempt++)
        {
            body?.Rewind();
            if (body is not null) ctx.Request.Body = body;
            ctx.Response.Body = response;
            bool overflow = false;
            try { await next(r); }
            catch (BufferLimitExceededException) { overflow = true; }
            finally { ctx.Response.Body = client; }
            if (ctx.Response.HasStarted) return;   // an upgrade took the connection
            if (overflow)
            {
                Restore(ctx, headersBefore);
                await Answer(ctx, StatusCodes.Status500InternalServerError);
                return;
            }
            int code = ctx.Response.StatusCode;
            if (options.Retry is null || attempt >= MaxAttempts || !options.Retry(new Outcome(attempt, code)))
            {
                response.Rewind();
                if (response.Length > 0 && ctx.Response.ContentLength is null && !ctx.Response.Headers.ContainsKey("Transfer-Encoding"))
                    ctx.Response.ContentLength = response.Length;
                await response.CopyToAsync(client, ctx.RequestAborted);
                return;
            }
            // Again: this answer is forgotten, as the request's failure.
            response.Clear();
            Restore(ctx, headersBefore);
            ctx.Features.Set<IForwarderErrorFeature>(null);
            if ((r.Observed ?? ObservedRequest.Of(ctx)) is { } observed) observed.ForwardError = null;
        }
    }

    private static void Restore(HttpContext ctx, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> headers)
    {
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.Headers.Clear();
        foreach (var (k, v) in headers) ctx.Response.Headers[k] = v;
    }

    private static Task TooLarge(HttpContext ctx, long max)
    {
        ctx.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        return ctx.Response.WriteAsync($"Maximum size {max} was reached");
    }
}
