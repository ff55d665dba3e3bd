using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's inFlightReq (oxy's connlimit): at most <c>amount</c> requests of one source are in
/// progress at once; one more is answered 429 "max connections reached: N" (no newline). The
/// source defaults to the request host. An amount of 0 refuses every request, as connlimit does.
/// Counts belong to one router's chain (<see cref="Wrap"/>), as in Traefik; a source's entry is
/// removed when its last request ends, so memory follows the requests in progress.
/// </summary>
internal sealed class InFlightReqMiddleware(long amount, RequestSource source) : HttpMiddleware
{
    public override ProxyHandler Wrap(ProxyHandler next)
    {
        var inFlight = new Dictionary<string, long>(StringComparer.Ordinal);
        return async r =>
        {
            var key = source.Of(r);
            bool admitted;
            lock (inFlight)
            {
                inFlight.TryGetValue(key, out var count);
                admitted = count < amount;
                if (admitted) inFlight[key] = count + 1;
            }
            if (!admitted)
            {
                r.Context.Response.StatusCode = 429;
                r.Context.Response.ContentType = "text/plain; charset=utf-8";
                await r.Context.Response.WriteAsync($"max connections reached: {amount}");
                return;
            }
            try { await next(r); }
            finally
            {
                lock (inFlight)
                {
                    if (inFlight[key] <= 1) inFlight.Remove(key);
                    else inFlight[key]--;
                }
            }
        };
    }
}
