using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's contentType middleware. Traefik v3 never sniffs a response's Content-Type by default
/// (the backend's absence of one is kept); this middleware re-enables Go's sniffing: a response
/// that reaches the client without Content-Type gets the one http.DetectContentType derives from
/// its first bytes. With <c>autoDetect: false</c> (deprecated) it does nothing, as in Traefik.
/// </summary>
internal sealed class ContentTypeMiddleware(bool enabled) : HttpMiddleware
{
    public override ProxyHandler Wrap(ProxyHandler next)
    {
        if (!enabled) return next;
        return async r =>
        {
            var ctx = r.Context;
            var original = ctx.Features.Get<IHttpResponseBodyFeature>()!;
            var body = new SniffingBody(ctx, original);
            ctx.Features.Set<IHttpResponseBodyFeature>(body);
            try
            {
                await next(r);
                await body.CompleteWriterAsync();
            }
            finally
            {
                ctx.Features.Set(original);
            }
        };
    }
}
