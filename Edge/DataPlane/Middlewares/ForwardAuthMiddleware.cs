using System.Text.RegularExpressions;
using Edge.Observability;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

/// <summary>The options of one forwardAuth middleware, checked by the builder.</summary>
internal sealed record ForwardAuthOptions(
    Uri Address, HttpMessageInvoker Client, bool? TrustForwardHeader, IReadOnlyList<string> AuthRequestHeaders,
    IReadOnlyList<string> AuthResponseHeaders, Regex? AuthResponseHeadersRegex, IReadOnlySet<string> AuthCookies,
    string? HeaderField, bool ForwardBody, long MaxBodySize, long MaxResponseBodySize, bool PreserveLocationHeader,
    bool PreserveRequestMethod, string? AuthSigninUrl);

/// <summary>
/// Traefik's forwardAuth (pkg/middlewares/auth/forward.go): each request is first sent to the auth
/// server (GET unless preserveRequestMethod, the headers of <see cref="ForwardAuthRequest"/>, the
/// body only with forwardBody). A 2xx lets it through with the authResponseHeaders copied onto it;
/// any other answer goes back to the client as the auth server gave it (status, headers, body;
/// a relative Location made absolute unless preserveLocationHeader). The auth server unreachable: 500.
/// </summary>
internal sealed class ForwardAuthMiddleware(ForwardAuthOptions o) : HttpMiddleware
{
    public override ProxyHandler Wrap(ProxyHandler next) => async r =>
    {
        var ctx = r.Context;
        var req = ctx.Request;
        var method = o.PreserveRequestMethod ? HttpMethod.Parse(req.Method) : HttpMethod.Get;
        using var auth = new HttpRequestMessage(method, o.Address) { Version = System.Net.HttpVersion.Version11 };
        if (o.ForwardBody && !(HttpMethods.IsConnect(req.Method) && req.ContentLength is null))
        {
            var (body, tooLarge) = await ReadAsync(req.Body, o.MaxBodySize, ctx.RequestAborted);
            if (tooLarge)
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            if (body is not null)
            {
                // Read once, sent twice: to the auth server and, if it agrees, to the backend.
                req.Body = new MemoryStream(body, writable: false);
                auth.Content = new ByteArrayContent(body);
            }
        }
        foreach (var (name, values) in ForwardAuthRequest.Build(r, o.TrustForwardHeader, o.AuthRequestHeaders))
            if (!auth.Headers.TryAddWithoutValidation(name, values) && auth.Content is not null)
                auth.Content.Headers.TryAddWithoutValidation(name, values);

        HttpResponseMessage response;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        timeout.CancelAfter(ForwardAuthClients.Timeout);
        try
        {
            response = await o.Client.SendAsync(auth, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            Observability.Logging.Log.Debug("Error calling the forwardAuth server", ("address", o.Address.ToString()), ("error", e.Message));
            ctx.Response.StatusCode = ctx.RequestAborted.IsCancellationRequested ? 499 : StatusCodes.Status500InternalServerError;
            return;
        }
        using (response)
        {
            byte[]? answer;
            bool answerTooLarge;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                (answer, answerTooLarge) = await ReadAsync(stream, o.MaxResponseBodySize, timeout.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                ctx.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }
            if (answerTooLarge)
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            if (!string.IsNullOrEmpty(o.HeaderField) && Values(response, o.HeaderField) is [var user, ..]
                && ctx.Features.Get<ObservedRequest>() is { } observed)
                observed.Username = user;
            int status = (int)response.StatusCode;
            if (!string.IsNullOrEmpty(o.AuthSigninUrl) && status == StatusCodes.Status401Unauthorized)
            {
                await Redirect(ctx, o.AuthSigninUrl);
                return;
            }
            if (status is < 200 or >= 300)
            {
                await Refuse(ctx, response, status, answer);
                return;
            }
            CopyAuthHeaders(req.Headers, response);
            var cookies = Values(response, "Set-Cookie");
            if (cookies.Count > 0) ctx.Response.OnStarting(() => { MergeCookies(ctx.Response.Headers, cookies); return Task.CompletedTask; });
        }
        await next(r);
    };

    /// <summary>A body of at most <paramref name="max"/> bytes (negative: no limit); too large is reported, not read further.</summary>
    private static async Task<(byte[]? Body, bool TooLarge)> ReadAsync(Stream stream, long max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (max >= 0 && buffer.Length > max) return (null, true);
        }
        return (buffer.Length == 0 ? null : buffer.ToArray(), false);
    }

    private static List<string> Values(HttpResponseMessage response, string name)
    {
        var list = new List<string>();
        if (response.Headers.NonValidated.TryGetValues(name, out var v)) list.AddRange(v);
        else if (response.Content.Headers.NonValidated.TryGetValues(name, out var c)) list.AddRange(c);
        return list;
    }

    private async Task Refuse(HttpContext ctx, HttpResponseMessage response, int status, byte[]? body)
    {
        var headers = ctx.Response.Headers;
        foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
        {
            if (name is "Connection" or "Keep-Alive" or "TE" or "Trailers" or "Transfer-Encoding" or "Upgrade") continue;
            foreach (var v in values) headers.Append(name, v);
        }
        if (Values(response, "Location") is [var location, ..] && !o.PreserveLocationHeader
            && Uri.TryCreate(o.Address, location, out var absolute))
            headers.Location = absolute.ToString();
        ctx.Response.StatusCode = status;
        if (body is { Length: > 0 }) await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    /// <summary>The listed headers replace the request's; with the regex, every matching request header is replaced by the auth server's.</summary>
    private void CopyAuthHeaders(IHeaderDictionary request, HttpResponseMessage response)
    {
        foreach (var name in o.AuthResponseHeaders)
        {
            request.Remove(name);
            var values = Values(response, name);
            if (values.Count > 0) request[ForwardAuthRequest.Canonical(name)] = values.ToArray();
        }
        if (o.AuthResponseHeadersRegex is not { } re) return;
        foreach (var name in request.Keys.ToList())
            if (re.IsMatch(ForwardAuthRequest.Canonical(name))) request.Remove(name);
        foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
            if (re.IsMatch(name)) request[name] = values.ToArray();
    }

    /// <summary>addAuthCookiesToResponse: the backend's cookies of those names are replaced by the auth server's.</summary>
    private void MergeCookies(IHeaderDictionary headers, List<string> authCookies)
    {
        var kept = headers.SetCookie.Where(c => c is not null && !o.AuthCookies.Contains(CookieName(c))).Select(c => c!).ToList();
        kept.AddRange(authCookies.Where(c => o.AuthCookies.Contains(CookieName(c))));
        if (kept.Count == 0) headers.Remove("Set-Cookie");
        else headers.SetCookie = kept.ToArray();
    }

    private static string CookieName(string setCookie)
    {
        int eq = setCookie.IndexOf('=');
        return (eq < 0 ? setCookie : setCookie[..eq]).Trim();
    }

    /// <summary>Go's http.Redirect with 302: Location, and for GET/HEAD a short HTML body.</summary>
    private static Task Redirect(HttpContext ctx, string url)
    {
        ctx.Response.StatusCode = StatusCodes.Status302Found;
        ctx.Response.Headers.Location = url;
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method)) return Task.CompletedTask;
        ctx.Response.ContentType = "text/html; charset=utf-8";
        return ctx.Response.WriteAsync($"<a href=\"{System.Net.WebUtility.HtmlEncode(url)}\">Found</a>.\n\n");
    }
}
