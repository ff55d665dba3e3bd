using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's grpcWeb middleware (traefik/grpc-web's WrapHandler with CORS for every path and
/// Traefik's origin check): a gRPC-Web request (POST, Content-Type <c>application/grpc-web*</c>)
/// goes on as gRPC — Content-Type <c>application/grpc…</c>, no Content-Length, a
/// <c>-text</c> body base64-decoded — and its answer comes back as gRPC-Web (see
/// <see cref="GrpcWebResponse"/>). The service must speak gRPC: h2c, or TLS with h2 (asked for
/// through <see cref="Forwarding.GrpcForward"/>). A CORS
/// preflight asking for <c>x-grpc-web</c> is answered here (rs/cors v1.7.0's rules) and never
/// reaches the service. Anything else passes through untouched.
/// </summary>
internal sealed class GrpcWebMiddleware(IReadOnlyList<string> allowOrigins) : HttpMiddleware
{
    public const string GrpcContentType = "application/grpc";
    public const string GrpcWebContentType = "application/grpc-web";
    public const string GrpcWebTextContentType = "application/grpc-web-text";

    /// <summary>traefik/grpc-web's default corsMaxAge, 10 minutes.</summary>
    private const string MaxAge = "600";

    public override ProxyHandler Wrap(ProxyHandler next) => async r =>
    {
        var req = r.Context.Request;
        // IsAcceptableGrpcCorsRequest || IsGrpcWebRequest; Go's HasPrefix is case-sensitive.
        bool cors = HttpMethods.IsOptions(req.Method) && req.Headers.AccessControlRequestHeaders.ToString().ToLowerInvariant().Contains("x-grpc-web");
        bool grpcWeb = HttpMethods.IsPost(req.Method) && req.Headers.ContentType.ToString().StartsWith(GrpcWebContentType, StringComparison.Ordinal);
        if (!cors && !grpcWeb) { await next(r); return; }
        if (HttpMethods.IsOptions(req.Method) && req.Headers.AccessControlRequestMethod.ToString().Length > 0)
        {
            Preflight(r.Context);
            r.Context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }
        ActualRequestCors(r.Context);
        await ForwardAsGrpcAsync(r, next);
    };

    private bool OriginAllowed(string origin)
    {
        foreach (var allowed in allowOrigins)
            if (allowed == "*" || allowed == origin) return true;
        return false;
    }

    /// <summary>rs/cors handlePreflight: every requested header is allowed ("*"), credentials always, GET/POST/HEAD.</summary>
    private void Preflight(HttpContext ctx)
    {
        var req = ctx.Request;
        var headers = ctx.Response.Headers;
        headers.Append("Vary", "Origin");
        headers.Append("Vary", "Access-Control-Request-Method");
        headers.Append("Vary", "Access-Control-Request-Headers");
        var origin = req.Headers.Origin.ToString();
        if (origin.Length == 0 || !OriginAllowed(origin)) return;
        var method = req.Headers.AccessControlRequestMethod.ToString();
        if (!MethodAllowed(method)) return;
        var requested = ParseHeaderList(req.Headers.AccessControlRequestHeaders.ToString());
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowMethods = method.ToUpperInvariant();
        if (requested.Count > 0) headers.AccessControlAllowHeaders = string.Join(", ", requested);
        headers.AccessControlAllowCredentials = "true";
        headers.AccessControlMaxAge = MaxAge;
    }

    /// <summary>rs/cors handleActualRequest (no exposed headers: <see cref="GrpcWebResponse"/> sets them).</summary>
    private void ActualRequestCors(HttpContext ctx)
    {
        var req = ctx.Request;
        if (HttpMethods.IsOptions(req.Method)) return;
        var headers = ctx.Response.Headers;
        headers.Append("Vary", "Origin");
        var origin = req.Headers.Origin.ToString();
        if (origin.Length == 0 || !OriginAllowed(origin) || !MethodAllowed(req.Method)) return;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowCredentials = "true";
    }

    private static bool MethodAllowed(string method)
    {
        method = method.ToUpperInvariant();
        return method is "OPTIONS" or "GET" or "POST" or "HEAD";
    }

    /// <summary>rs/cors v1.7.0 parseHeaderList: names split on spaces and commas, canonicalised, other characters dropped.</summary>
    internal static List<string> ParseHeaderList(string list)
    {
        var result = new List<string>();
        var name = new System.Text.StringBuilder();
        bool upper = true;
        for (int i = 0; i < list.Length; i++)
        {
            char b = list[i];
            if (b is >= 'a' and <= 'z') name.Append(upper ? (char)(b - 32) : b);
            else if (b is >= 'A' and <= 'Z') name.Append(upper ? b : (char)(b + 32));
            else if (b is '-' or '_' or '.' or (>= '0' and <= '9')) name.Append(b);
            if (b is ' ' or ',' || i == list.Length - 1)
            {
                if (name.Length > 0) { result.Add(name.ToString()); name.Clear(); upper = true; }
            }
            else upper = b == '-';
        }
        return result;
    }

    /// <summary>hackIntoNormalGrpcRequest, then the service, then finishRequest.</summary>
    private static async Task ForwardAsGrpcAsync(ProxyRequest r, ProxyHandler next)
    {
        var ctx = r.Context;
        var req = ctx.Request;
        var contentType = req.Headers.ContentType.ToString();
        bool text = contentType.StartsWith(GrpcWebTextContentType, StringComparison.Ordinal);
        req.Headers.ContentType = ReplaceFirst(contentType, text ? GrpcWebTextContentType : GrpcWebContentType, GrpcContentType);
        // The HTTP/1.1 length is not the HTTP/2 one (and not the decoded one for -text): the body is streamed.
        req.Headers.ContentLength = null;

        var originalBody = req.Body;
        var originalPipe = ctx.Features.Get<IRequestBodyPipeFeature>();
        PipeReader? decoded = null;
        if (text)
        {
            // One pipe for both views of the body, so that what the forwarder peeks at through
            // BodyReader is still there when it reads Body.
            decoded = PipeReader.Create(new Base64DecodingStream(originalBody), new StreamPipeReaderOptions(leaveOpen: true));
            ctx.Features.Set<IRequestBodyPipeFeature>(new PipeFeature(decoded));
            req.Body = decoded.AsStream(leaveOpen: true);
        }
        var originalBodyFeature = ctx.Features.Get<IHttpResponseBodyFeature>()!;
        var originalTrailers = ctx.Features.Get<IHttpResponseTrailersFeature>();
        var response = new GrpcWebResponse(ctx, originalBodyFeature, text);
        ctx.Features.Set<IHttpResponseBodyFeature>(response);
        ctx.Features.Set<IHttpResponseTrailersFeature>(response);
        ctx.Features.Set(Forwarding.GrpcForward.Instance);
        try
        {
            await next(r);
            if (!ctx.RequestAborted.IsCancellationRequested) await response.FinishAsync();
        }
        finally
        {
            ctx.Features.Set(originalBodyFeature);
            ctx.Features.Set(originalTrailers);
            ctx.Features.Set<Forwarding.GrpcForward>(null);
            if (decoded is not null)
            {
                await decoded.CompleteAsync();
                ctx.Features.Set(originalPipe);
                req.Body = originalBody;
            }
        }
    }

    internal static string ReplaceFirst(string value, string old, string replacement)
    {
        int i = value.IndexOf(old, StringComparison.Ordinal);
        return i < 0 ? value : string.Concat(value.AsSpan(0, i), replacement, value.AsSpan(i + old.Length));
    }

    private sealed class PipeFeature(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }
}
