using System.Text.RegularExpressions;
using Edge.DataPlane.Routing;
using Edge.GoCompat;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Builds the runtime form of one configured middleware, checking its options as Traefik's
/// constructors do; a configuration that cannot be built gives the reason instead (the routers
/// using it are then in error). Chains are expanded by <see cref="ChainCompiler"/>, not here.
/// </summary>
public static class MiddlewareBuilder
{
    /// <param name="services">The data plane's services and forwarder (errors needs them); without, errors is refused.</param>
    public static HttpMiddleware? Create(Middleware m, out string? error, MiddlewareServices? services = null)
    {
        error = m.Error;
        if (error is not null) return null;
        if (m.AddPrefix is { } add)
        {
            if (string.IsNullOrEmpty(add.Prefix)) return Fail("prefix cannot be empty", out error);
            return new AddPrefixMiddleware(add.Prefix);
        }
        if (m.StripPrefix is { } strip) return new StripPrefixMiddleware(strip.Prefixes ?? [], strip.ForceSlash == true);
        if (m.StripPrefixRegex is { } stripRegex)
        {
            var list = new List<Regex>();
            foreach (var pattern in stripRegex.Regex ?? [])
            {
                if (!GoRegex.TryCreate(pattern, false, out var re, out var why)) return Fail($"invalid regex {pattern}: {why}", out error);
                list.Add(re!);
            }
            return new StripPrefixRegexMiddleware(list);
        }
        if (m.ReplacePath is { } replace) return new ReplacePathMiddleware(replace.Path ?? "");
        if (m.ReplacePathRegex is { } replaceRegex)
        {
            if (!GoRegex.TryCreate(replaceRegex.Regex ?? "", false, out var re, out var why)) return Fail($"error compiling regular expression {replaceRegex.Regex}: {why}", out error);
            return new ReplacePathRegexMiddleware(re!, replaceRegex.Replacement ?? "");
        }
        if (m.RedirectScheme is { } scheme)
        {
            if (string.IsNullOrEmpty(scheme.Scheme)) return Fail("you must provide a target scheme", out error);
            return RedirectMiddleware.ForScheme(scheme.Scheme, scheme.Port, scheme.Permanent == true);
        }
        if (m.RedirectRegex is { } redirect)
        {
            if (!GoRegex.TryCreate(redirect.Regex ?? "", false, out var re, out var why)) return Fail($"invalid regex {redirect.Regex}: {why}", out error);
            return new RedirectMiddleware(re!, redirect.Replacement ?? "", redirect.Permanent == true, schemeMode: false);
        }
        if (m.Headers is { } headers) return new HeadersMiddleware(headers);
        if (m.BasicAuth is { } basic)
        {
            var lines = new List<string>();
            if (!string.IsNullOrEmpty(basic.UsersFile))
            {
                try { lines.AddRange(File.ReadAllLines(basic.UsersFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Fail($"usersFile {basic.UsersFile}: {e.Message}", out error); }
            }
            lines.AddRange(basic.Users ?? []);
            var users = BasicAuthMiddleware.ParseUsers(lines, out var why);
            if (users is null) return Fail(why!, out error);
            return new BasicAuthMiddleware(users, string.IsNullOrEmpty(basic.Realm) ? "traefik" : basic.Realm, basic.RemoveHeader == true, basic.HeaderField);
        }
        if (m.DigestAuth is { } digest) return DigestAuth(digest, out error);
        if (m.IpAllowList is { } allow) return IpAllowList(allow, out error);
        if (m.RateLimit is { } limit) return RateLimit(limit, out error);
        if (m.Compress is { } compress) return Compress(compress, out error);
        if (m.ForwardAuth is { } forwardAuth) return ForwardAuth(forwardAuth, out error);
        if (m.Errors is { } errors) return Errors(errors, services, out error);
        if (m.Retry is { } retry) return Retry(retry, out error);
        if (m.CircuitBreaker is { } breaker) return CircuitBreaker(breaker, out error);
        if (m.Buffering is { } buffering) return Buffering(buffering, out error);
        // Traefik's contenttype.New: autoDetect false is the default behaviour (no sniffing), so the middleware does nothing.
        if (m.EncodedCharacters is { } encoded) return new EncodedCharactersMiddleware(encoded);
        // Traefik's passtlsclientcert.New has no failure case.
        if (m.PassTlsClientCert is { } passCert) return new PassTlsClientCertMiddleware(passCert.Pem == true, passCert.Info);
        // Traefik's grpcweb.New has no failure case; no allowOrigins means no origin is answered CORS.
        if (m.GrpcWeb is { } grpcWeb) return new GrpcWebMiddleware(grpcWeb.AllowOrigins ?? []);
        if (m.ContentType is { } contentType) return new ContentTypeMiddleware(contentType.AutoDetect != false);
        if (m.InFlightReq is { } inFlight)
        {
            var source = RequestSource.Create(inFlight.SourceCriterion, hostByDefault: true, out var why);
            if (source is null) return Fail("error creating requests limiter: " + why, out error);
            return new InFlightReqMiddleware(inFlight.Amount ?? 0, source);
        }
        return Fail("invalid middleware type or middleware does not exist", out error);
    }

    private static HttpMiddleware? IpAllowList(IpAllowListConfig c, out string? error)
    {
        error = null;
        if (c.SourceRange is not { Count: > 0 }) return Fail("sourceRange is empty, IPAllowLister not created", out error);
        var ranges = new List<IpPrefix>();
        foreach (var s in c.SourceRange)
        {
            if (!IpPrefix.TryParse(s.Trim(), out var p, out var why)) return Fail($"cannot parse CIDRs {s}: {why}", out error);
            ranges.Add(p);
        }
        var excluded = new List<IpPrefix>();
        foreach (var s in c.IpStrategy?.ExcludedIps ?? [])
        {
            if (!IpPrefix.TryParse(s.Trim(), out var p, out var why)) return Fail($"cannot parse excludedIPs {s}: {why}", out error);
            excluded.Add(p);
        }
        int status = c.RejectStatusCode is { } code and > 0 ? code : 403;
        if (status is < 100 or > 599) return Fail($"invalid rejectStatusCode {status}", out error);
        return new IpAllowListMiddleware(ranges, c.IpStrategy?.Depth ?? 0, excluded, status);
    }

    /// <summary>Traefik's ratelimiter.New checks; the period is Go's duration text ("1s" when unset).</summary>
    private static HttpMiddleware? RateLimit(RateLimitConfig c, out string? error)
    {
        error = null;
        var source = RequestSource.Create(c.SourceCriterion, hostByDefault: false, out var why);
        if (source is null) return Fail("getting source extractor: " + why, out error);
        long periodNs = GoDuration.Second;
        if (!string.IsNullOrEmpty(c.Period) && !GoDuration.TryParse(c.Period, out periodNs)) return Fail($"invalid period {c.Period}", out error);
        if (periodNs < 0) return Fail($"negative value not valid for period: {GoDuration.Format(periodNs)}", out error);
        if (periodNs == 0) periodNs = GoDuration.Second;
        return new RateLimitMiddleware(c.Average ?? 0, periodNs, c.Burst ?? 1, source);
    }

    /// <summary>Traefik's compress.New checks, with its error texts; encodings default to gzip, br, zstd.</summary>
    private static HttpMiddleware? Compress(CompressConfig c, out string? error)
    {
        error = null;
        if (c.ExcludedContentTypes is { Count: > 0 } && c.IncludedContentTypes is { Count: > 0 })
            return Fail("excludedContentTypes and includedContentTypes options are mutually exclusive", out error);
        var excluded = new List<MediaType> { MediaType.Parse("application/grpc", out _)! };
        foreach (var v in c.ExcludedContentTypes ?? [])
        {
            if (MediaType.Parse(v, out var why) is not { } t) return Fail("parsing excluded media type: " + why, out error);
            excluded.Add(t);
        }
        var included = new List<MediaType>();
        foreach (var v in c.IncludedContentTypes ?? [])
        {
            if (MediaType.Parse(v, out var why) is not { } t) return Fail("parsing included media type: " + why, out error);
            included.Add(t);
        }
        int minSize = c.MinResponseBodyBytes is > 0 ? c.MinResponseBodyBytes.Value : 1024;
        var encodings = c.Encodings ?? [CompressMiddleware.Gzip, CompressMiddleware.Brotli, CompressMiddleware.Zstd];
        if (encodings.Count == 0) return Fail("at least one encoding must be specified", out error);
        foreach (var e in encodings)
            if (e is not (CompressMiddleware.Gzip or CompressMiddleware.Brotli or CompressMiddleware.Zstd)) return Fail("unsupported encoding: " + e, out error);
        if (!string.IsNullOrEmpty(c.DefaultEncoding) && !encodings.Contains(c.DefaultEncoding))
            return Fail("unsupported default encoding: " + c.DefaultEncoding, out error);
        return new CompressMiddleware(new CompressRules(excluded, included, minSize), encodings, c.DefaultEncoding);
    }

    /// <summary>Traefik's auth.NewForward: the address must be a URL, the regex compile; -1 means no body limit.</summary>
    private static HttpMiddleware? ForwardAuth(ForwardAuthConfig c, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(c.Address)) return Fail("forward authentication requires an address", out error);
        if (!Uri.TryCreate(c.Address, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            return Fail($"invalid forwardAuth address {c.Address}: an absolute http or https URL is expected", out error);
        Regex? regex = null;
        if (!string.IsNullOrEmpty(c.AuthResponseHeadersRegex)
            && !GoRegex.TryCreate(c.AuthResponseHeadersRegex, false, out regex, out var why))
            return Fail($"error compiling regular expression {c.AuthResponseHeadersRegex}: {why}", out error);
        var client = ForwardAuthClients.For(c.Tls, out var tlsError);
        if (client is null) return Fail(tlsError!, out error);
        var requestHeaders = c.AuthRequestHeaders ?? [];
        // trustForwardHeader with a filter: Traefik lets the X-Forwarded-* set through the filter too.
        if (c.TrustForwardHeader == true && requestHeaders.Count > 0) requestHeaders = [.. requestHeaders, .. ForwardAuthRequest.ManagedXHeaders];
        return new ForwardAuthMiddleware(new ForwardAuthOptions(address, client, c.TrustForwardHeader, requestHeaders,
            c.AuthResponseHeaders ?? [], regex, new HashSet<string>(c.AddAuthCookiesToResponse ?? [], StringComparer.Ordinal),
            c.HeaderField, c.ForwardBody == true, c.MaxBodySize ?? -1, c.MaxResponseBodySize ?? -1, c.PreserveLocationHeader == true,
            c.PreserveRequestMethod == true, c.AuthSigninUrl));
    }

    /// <summary>Traefik's customerrors.New: the ranges parse and the service exists (fail closed otherwise).</summary>
    private static HttpMiddleware? Errors(ErrorPageConfig c, MiddlewareServices? services, out string? error)
    {
        error = null;
        var ranges = HttpStatusRanges.Parse(c.Status ?? [], out var why);
        if (ranges is null) return Fail(why!, out error);
        var rewrites = new List<(HttpStatusRanges, int)>();
        foreach (var (from, to) in c.StatusRewrites ?? [])
        {
            var r = HttpStatusRanges.Parse([from], out why);
            if (r is null) return Fail(why!, out error);
            rewrites.Add((r, to));
        }
        if (string.IsNullOrEmpty(c.Service)) return Fail("the errors middleware needs a service", out error);
        if (services?.Lookup(c.Service) is not { } service) return Fail($"the service \"{c.Service}\" does not exist", out error);
        return new ErrorsMiddleware(ranges, rewrites, service, services.Forward, c.Query ?? "", c.ErrorRequestHeaders);
    }

    /// <summary>Traefik's retry.New checks, with its error texts; maxRequestBodyBytes defaults to 2 MiB.</summary>
    private static HttpMiddleware? Retry(RetryConfig c, out string? error)
    {
        error = null;
        if (c.Status is not { Count: > 0 } && c.DisableRetryOnNetworkError == true)
            return Fail("retry middleware requires at least HTTP status codes or retry on TCP", out error);
        int attempts = c.Attempts ?? 0;
        if (attempts <= 0) return Fail($"incorrect (or empty) value for attempt ({attempts})", out error);
        if (!TryDuration(c.InitialInterval, "initialInterval", out var interval, out error)) return null;
        if (!TryDuration(c.Timeout, "timeout", out var timeout, out error)) return null;
        HttpStatusRanges? status = null;
        if (c.Status is { Count: > 0 })
        {
            status = HttpStatusRanges.Parse(c.Status, out var why);
            if (status is null) return Fail("creating HTTP code ranges: " + why, out error);
        }
        return new RetryMiddleware(new RetryOptions(attempts, interval, timeout, c.MaxRequestBodyBytes ?? DefaultRetryMaxRequestBodyBytes,
            status, c.DisableRetryOnNetworkError != true, c.RetryNonIdempotentMethod == true));
    }

    /// <summary>Traefik's circuitbreaker.New: the expression parses (oxy's cbreaker.New); a duration of 0 keeps oxy's default.</summary>
    private static HttpMiddleware? CircuitBreaker(CircuitBreakerConfig c, out string? error)
    {
        error = null;
        var expression = c.Expression ?? "";
        var condition = Expressions.Predicate.Parse(expression, CircuitBreakerMiddleware.Functions, out var why);
        if (condition is null) return Fail(why!, out error);
        if (!TryDuration(c.CheckPeriod, "checkPeriod", out var check, out error)
            || !TryDuration(c.FallbackDuration, "fallbackDuration", out var fallback, out error)
            || !TryDuration(c.RecoveryDuration, "recoveryDuration", out var recovery, out error)) return null;
        int code = c.ResponseCode is { } rc and not 0 ? rc : StatusCodes.Status503ServiceUnavailable;
        if (code is < 100 or > 999) return Fail($"invalid responseCode {code}", out error);
        return new CircuitBreakerMiddleware(new CircuitBreakerOptions(expression, condition,
            check > TimeSpan.Zero ? check : TimeSpan.FromMilliseconds(100),
            fallback > TimeSpan.Zero ? fallback : TimeSpan.FromSeconds(10),
            recovery > TimeSpan.Zero ? recovery : TimeSpan.FromSeconds(10), code));
    }

    /// <summary>Traefik's buffering.New (oxy's buffer.New): sizes are not negative, the retry expression parses; memory thresholds default to 1 MiB.</summary>
    private static HttpMiddleware? Buffering(BufferingConfig c, out string? error)
    {
        error = null;
        foreach (var (name, value) in new[] { ("maxRequestBodyBytes", c.MaxRequestBodyBytes), ("memRequestBodyBytes", c.MemRequestBodyBytes),
                     ("maxResponseBodyBytes", c.MaxResponseBodyBytes), ("memResponseBodyBytes", c.MemResponseBodyBytes) })
            if (value < 0) return Fail($"{name} should not be negative, got {value}", out error);
        Func<BufferingMiddleware.Outcome, bool>? retry = null;
        if (!string.IsNullOrEmpty(c.RetryExpression))
        {
            retry = Expressions.Predicate.Parse(c.RetryExpression, BufferingMiddleware.Functions, out var why);
            if (retry is null) return Fail(why!, out error);
        }
        const long DefaultMem = 1024 * 1024;
        return new BufferingMiddleware(new BufferingOptions(c.MaxRequestBodyBytes ?? 0, c.MemRequestBodyBytes is > 0 ? c.MemRequestBodyBytes.Value : DefaultMem,
            c.MaxResponseBodyBytes ?? 0, c.MemResponseBodyBytes is > 0 ? c.MemResponseBodyBytes.Value : DefaultMem, retry));
    }

    /// <summary>Traefik's auth.NewDigest: usersFile lines, then users (a later line for the same name and realm wins); default realm "traefik".</summary>
    private static HttpMiddleware? DigestAuth(DigestAuthConfig c, out string? error)
    {
        error = null;
        var lines = new List<string>();
        if (!string.IsNullOrEmpty(c.UsersFile))
        {
            try { lines.AddRange(File.ReadAllLines(c.UsersFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Fail($"usersFile {c.UsersFile}: {e.Message}", out error); }
        }
        lines.AddRange(c.Users ?? []);
        var users = DigestAuthMiddleware.ParseUsers(lines, out var why);
        if (users is null) return Fail(why!, out error);
        return new DigestAuthMiddleware(users, string.IsNullOrEmpty(c.Realm) ? "traefik" : c.Realm, c.RemoveHeader == true, c.HeaderField);
    }

    /// <summary>Traefik's dynamic.RetryDefaultMaxRequestBodyBytes.</summary>
    public const long DefaultRetryMaxRequestBodyBytes = 2 * 1024 * 1024;

    /// <summary>A Go duration option (a bare number is seconds); empty is zero.</summary>
    internal static bool TryDuration(string? text, string option, out TimeSpan value, out string? error)
    {
        error = null;
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text)) return true;
        if (!GoDuration.TryParse(text, out var ns)) { error = $"{option}: time: invalid duration \"{text}\""; return false; }
        value = TimeSpan.FromTicks(ns / 100);
        return true;
    }

    private static HttpMiddleware? Fail(string why, out string? error)
    {
        error = why;
        return null;
    }
}
