using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's compress middleware: the encoding is negotiated from Accept-Encoding (or
/// defaultEncoding when the header is absent), then the response body is compressed by
/// <see cref="CompressingBody"/> once it is known to be large enough and of a type to compress.
/// HEAD requests and requests whose Content-Type is excluded (application/grpc always) pass
/// untouched, as in Traefik. zstd (ZstdSharp.Port, level 3) follows brotli's rules, as in Traefik.
/// </summary>
internal sealed class CompressMiddleware : HttpMiddleware
{
    public const string Gzip = "gzip";
    public const string Brotli = "br";
    public const string Zstd = "zstd";

    private readonly CompressRules _rules;
    private readonly Dictionary<string, int> _priorities;
    private readonly string _first;
    private readonly string? _default;

    public CompressMiddleware(CompressRules rules, IReadOnlyList<string> encodings, string? defaultEncoding)
    {
        _rules = rules;
        var served = encodings.ToList();
        _priorities = AcceptEncoding.Priorities(served);
        _first = served.Count > 0 ? served[0] : AcceptEncoding.Identity;
        _default = string.IsNullOrEmpty(defaultEncoding) ? null : defaultEncoding;
    }

    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        var req = r.Context.Request;
        if (HttpMethods.IsHead(req.Method)) return next(r);
        // Traefik compares the request's Content-Type too (text/event-stream requests, gRPC).
        if (req.Headers.ContentType.Count > 0 && MediaType.Parse(req.Headers.ContentType.ToString(), out _) is { } requestType
            && _rules.Excluded.Any(e => e.Type == requestType.Type))
            return next(r);
        string encoding;
        if (!req.Headers.TryGetValue("Accept-Encoding", out var accept))
        {
            // No header: RFC 9110 says any coding is acceptable, but Traefik encodes only with defaultEncoding.
            if (_default is null) return next(r);
            encoding = _default;
        }
        else encoding = AcceptEncoding.Choose(accept, _priorities, _first, _default);
        return encoding switch
        {
            // gzhttp compresses only when the client itself names gzip (not for "*" or the default).
            Gzip => RunAsync(r, next, Gzip, AcceptEncoding.AcceptsGzip(accept)),
            Brotli => RunAsync(r, next, Brotli, true),
            // zstd goes through Traefik's own compression handler, as brotli does.
            Zstd => RunAsync(r, next, Zstd, true),
            _ => next(r),
        };
    };

    private async Task RunAsync(ProxyRequest r, ProxyHandler next, string encoding, bool compress)
    {
        var ctx = r.Context;
        ctx.Response.OnStarting(static state => { AddVary(((HttpContext)state).Response.Headers); return Task.CompletedTask; }, ctx);
        if (!compress)
        {
            await next(r);
            return;
        }
        var original = ctx.Features.Get<IHttpResponseBodyFeature>()!;
        await using var body = new CompressingBody(ctx, original, _rules, encoding);
        ctx.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(r);
            await body.FinishAsync();
        }
        finally
        {
            ctx.Features.Set(original);
        }
    }

    /// <summary>Vary: Accept-Encoding, once, beside what the backend sent (Traefik adds it to every response it may compress).</summary>
    private static void AddVary(IHeaderDictionary headers)
    {
        foreach (var v in headers.Vary)
            foreach (var token in (v ?? "").Split(','))
                if (token.Trim().Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase)) return;
        headers.Append("Vary", "Accept-Encoding");
    }
}

/// <summary>The content-type rules and size threshold of one compress middleware.</summary>
internal sealed record CompressRules(IReadOnlyList<MediaType> Excluded, IReadOnlyList<MediaType> Included, int MinSize);
