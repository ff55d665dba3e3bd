using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Edge.DataPlane.Routing.Requests;
using Edge.Observability.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// Forwards one request to one server and streams the response back. Owns the header rules
/// (hop-by-hop removed, forwarded headers set, Host passed or rewritten); a failure is classified by
/// stage and reported through <see cref="ForwarderErrors"/>. Upgrades (WebSocket) go through <see cref="UpgradeForwarder"/>.
/// </summary>
public sealed class HttpForwarder(BackendTransports transports)
{
    private const int BufferSize = 64 * 1024;

    public async Task<ForwarderError> ForwardAsync(HttpContext ctx, BackendService service, BackendServer server, ForwardedHeaders forwarded, RequestPath path)
    {
        // p2c and leasttime weigh servers by the requests in flight (the whole exchange, as Traefik counts them).
        if (service.LoadOf(server) is not { } load) return await ForwardCoreAsync(ctx, service, server, forwarded, path, null).ConfigureAwait(false);
        load.Started();
        try { return await ForwardCoreAsync(ctx, service, server, forwarded, path, load).ConfigureAwait(false); }
        finally { load.Finished(); }
    }

    private async Task<ForwarderError> ForwardCoreAsync(HttpContext ctx, BackendService service, BackendServer server, ForwardedHeaders forwarded, RequestPath path, ServerLoad? load)
    {
        var upgrade = ctx.Features.Get<IHttpUpgradeFeature>();
        // Only a WebSocket handshake is relayed as an upgrade. Any other Upgrade (h2c above all)
        // is forwarded as a plain request with the header removed, and the connection is closed
        // after the answer, so no byte the client sends after it (HTTP/2 frames) reaches a backend.
        bool upgradable = upgrade is { IsUpgradableRequest: true };
        // HTTP/2 WebSockets (RFC 8441 extended CONNECT) go to the backend as an RFC 6455 handshake.
        var connect = ctx.Features.Get<IHttpExtendedConnectFeature>();
        bool h2WebSocket = connect is { IsExtendedConnect: true };
        if (h2WebSocket && !string.Equals(connect!.Protocol, "websocket", StringComparison.OrdinalIgnoreCase))
        {
            ForwarderErrors.Report(ctx, ForwarderError.Upgrade, false, null, service.Name, server.Url, StatusCodes.Status501NotImplemented);
            return ForwarderError.Upgrade;
        }
        bool isUpgrade = (upgradable && UpgradeRequest.IsWebSocket(ctx.Request)) || h2WebSocket;
        if (upgradable && !isUpgrade) ctx.Response.Headers.Connection = "close";
        if (!upgradable && !h2WebSocket && await FirstBodyBytesErrorAsync(ctx).ConfigureAwait(false) is { } bodyError)
        {
            ForwarderErrors.Report(ctx, bodyError.Error, false, bodyError.Exception, service.Name, server.Url);
            return bodyError.Error;
        }
        var webSocketKey = h2WebSocket ? UpgradeRequest.NewKey() : null;
        var request = BuildRequest(ctx, service, server, forwarded, path, isUpgrade, upgradable || h2WebSocket, webSocketKey);
        var client = transports.ClientFor(service);
        var invoker = service.H2c ? client.H2c : client.Http;
        // gRPC made from gRPC-Web needs HTTP/2: a TLS server is offered h2 by ALPN (Traefik's transport does so for every request).
        if (!isUpgrade && !service.H2c && !client.DisableHttp2 && ctx.Features.Get<GrpcForward>() is not null
            && server.BaseUri.Scheme == Uri.UriSchemeHttps)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }

        HttpResponseMessage response;
        using var timeout = client.ResponseHeaderTimeout > TimeSpan.Zero
            ? CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted) : null;
        timeout?.CancelAfter(client.ResponseHeaderTimeout);
        long sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            response = await invoker.SendAsync(request, timeout?.Token ?? ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var (error, timedOut) = ForwarderErrors.Classify(e, ctx.RequestAborted.IsCancellationRequested,
                timeout?.IsCancellationRequested == true, (request.Content as RequestBodyContent)?.Failed == true);
            // Part of the body went out: the server may have acted on it, so no network-error retry.
            if (request.Content is RequestBodyContent { Started: true } && ctx.Features.Get<RetryAttempt>() is { } sent) sent.WroteRequest = true;
            // The client's body stream belongs to the request, not to this message: a retry sends it again.
            request.Content = null;
            request.Dispose();
            ForwarderErrors.Report(ctx, error, timedOut, e, service.Name, server.Url);
            return error;
        }

        // leasttime's response time: until the response headers (Traefik's time to first byte).
        load?.Record(System.Diagnostics.Stopwatch.GetElapsedTime(sentAt));
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                if (isUpgrade && UpgradeRequest.IsWebSocketAnswer(response, webSocketKey))
                {
                    return h2WebSocket
                        ? await UpgradeForwarder.TunnelAsync(ctx, () => connect!.AcceptAsync().AsTask(), response, http2: true).ConfigureAwait(false)
                        : await UpgradeForwarder.TunnelAsync(ctx, upgrade!.UpgradeAsync, response, http2: false).ConfigureAwait(false);
                }
                // A 101 nobody asked for (or to another protocol): the backend connection is now a
                // raw stream; disposing the response closes it, and the client gets a 502.
                ctx.Response.Headers.Connection = "close";
                ForwarderErrors.Report(ctx, ForwarderError.Upgrade, false, null, service.Name, server.Url);
                return ForwarderError.Upgrade;
            }

            ctx.Response.StatusCode = (int)response.StatusCode;
            // A status the retry middleware retries on: the answer is dropped (the status stays for a circuit breaker inside the retry).
            if (ctx.Features.Get<RetryAttempt>() is { } attempt && attempt.DiscardStatus((int)response.StatusCode)) return ForwarderError.None;
            CopyResponseHeaders(response, ctx.Response);
            if (service.Sticky is not null && ctx.Items.ContainsKey(StickyKey)) service.AppendStickyCookie(ctx, server);
            BackendService.AppendWeightedCookies(ctx);
            try
            {
                await CopyBodyAsync(response, ctx).ConfigureAwait(false);
                if (response.TrailingHeaders.Any() && ctx.Features.Get<IHttpResponseTrailersFeature>() is { } trailers)
                    foreach (var (k, v) in response.TrailingHeaders) trailers.Trailers.Append(k, v.ToArray());
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
            {
                // Headers are gone already: the only honest signal left is to abort the client connection.
                var error = ctx.RequestAborted.IsCancellationRequested ? ForwarderError.ClientAborted : ForwarderError.ResponseBody;
                ForwarderErrors.Report(ctx, error, false, e, service.Name, server.Url);
                return error;
            }
        }
        return ForwarderError.None;
    }

    public const string StickyKey = "edge.sticky";

    private static readonly UriCreationOptions NoCanonicalization = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>
    /// Reads (without consuming) the first bytes of a request body before anything is sent to a
    /// backend, so that a malformed chunked body is answered 400 here and no request line or header
    /// of it reaches a backend. A later malformed chunk aborts the forward mid-stream.
    /// </summary>
    /// <returns>Null when the body may be forwarded; otherwise the stage that failed.</returns>
    private static async ValueTask<(ForwarderError Error, Exception Exception)?> FirstBodyBytesErrorAsync(HttpContext ctx)
    {
        var detection = ctx.Features.Get<IHttpRequestBodyDetectionFeature>();
        if (detection is { CanHaveBody: false }) return null;
        if (ctx.Request.ContentLength is not null) return null;   // length-delimited: nothing to parse
        try
        {
            var result = await ctx.Request.BodyReader.ReadAsync(ctx.RequestAborted).ConfigureAwait(false);
            ctx.Request.BodyReader.AdvanceTo(result.Buffer.Start);
            return null;
        }
        catch (Exception e) when (e is BadHttpRequestException
            // Kestrel reports a chunk size that overflows as a plain IOException (not a reset):
            // without this the forwarder answered an empty 200 (found by a teammate's raw-socket test).
            || (e is IOException and not Microsoft.AspNetCore.Connections.ConnectionResetException && !ctx.RequestAborted.IsCancellationRequested))
        {
            if (!ctx.Response.HasStarted) ctx.Response.Headers.Connection = "close";
            return (ForwarderError.RequestBody, e);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return (ForwarderError.ClientAborted, e);
        }
    }

    /// <summary>
    /// A copy of the request for a mirror (built while the request is alive, sent after it): the
    /// headers the server would get, and <paramref name="body"/> (null: no body, mirrorBody false).
    /// </summary>
    public HttpRequestMessage BuildMirror(HttpContext ctx, BackendService service, BackendServer server, ForwardedHeaders forwarded, RequestPath path, byte[]? body) =>
        BuildRequest(ctx, service, server, forwarded, path, false, false, null, mirror: true, mirrorBody: body);

    /// <summary>Sends a mirror's copy; its answer is read and dropped, and a failure is only logged (it never reaches the client).</summary>
    public async Task SendMirrorAsync(BackendService service, BackendServer server, HttpRequestMessage request)
    {
        var client = transports.ClientFor(service);
        // Traefik's mirrors run with a context that is never cancelled; a cap keeps a hung mirror from living forever.
        using var timeout = new CancellationTokenSource(client.ResponseHeaderTimeout > TimeSpan.Zero ? client.ResponseHeaderTimeout : TimeSpan.FromMinutes(5));
        try
        {
            using var response = await (service.H2c ? client.H2c : client.Http).SendAsync(request, timeout.Token).ConfigureAwait(false);
            await response.Content.CopyToAsync(Stream.Null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            Log.Debug("Mirror request failed", ("service", service.Name), ("server", server.Url), ("error", e.Message));
        }
        finally
        {
            request.Dispose();
        }
    }

    private static HttpRequestMessage BuildRequest(HttpContext ctx, BackendService service, BackendServer server, ForwardedHeaders forwarded,
        RequestPath path, bool isUpgrade, bool upgradable, string? webSocketKey, bool mirror = false, byte[]? mirrorBody = null)
    {
        var req = ctx.Request;
        // The backend receives the path that was routed: the raw target when normalisation left
        // it as it was (no copy), otherwise the normalised path with the raw query.
        var rawTarget = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!path.Unchanged || string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
            rawTarget = path.Escaped + req.QueryString.Value;
        // No canonicalisation by System.Uri: it would remove dot segments (sanitizePath=false) or
        // unescape characters, and the backend must receive the exact path that was routed.
        var uri = new Uri(server.Prefix + rawTarget, NoCanonicalization);
        var message = new HttpRequestMessage(webSocketKey is not null ? HttpMethod.Get : HttpMethod.Parse(req.Method), uri);   // Parse caches known methods
        if (isUpgrade) { message.Version = HttpVersion.Version11; message.VersionPolicy = HttpVersionPolicy.RequestVersionExact; }
        else if (service.H2c) { message.Version = HttpVersion.Version20; message.VersionPolicy = HttpVersionPolicy.RequestVersionExact; }
        else { message.Version = HttpVersion.Version11; message.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower; }

        var canHaveBody = ctx.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? (req.ContentLength > 0);
        // An upgradable request's "body" is the raw connection after it: never forwarded as a body.
        if (mirror)
        {
            // A mirror's body is the copy kept in memory: sent whole, with its own length.
            if (mirrorBody is not null && (canHaveBody || mirrorBody.Length > 0)) message.Content = new ByteArrayContent(mirrorBody);
        }
        else if (canHaveBody && !upgradable)
        {
            // Without Content-Length the body's size is known only once read: count it for the metrics and access log.
            var body = req.ContentLength is null && Observability.ObservedRequest.Of(ctx) is { } observed
                ? new Observability.RequestBodyCounter(req.Body, observed) : req.Body;
            message.Content = new RequestBodyContent(body, BufferSize);
        }

        var connection = req.Headers.Connection;
        foreach (var (name, values) in req.Headers)
        {
            if (name.Length > 0 && name[0] == ':') continue;   // HTTP/2 pseudo-headers
            if (HopByHopHeaders.IsHopByHop(name) || HopByHopHeaders.IsNamedByConnection(connection, name)) continue;
            if (ForwardedHeaders.IsForwardedHeader(name)) continue;
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (mirror && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;   // the copy's own length
            // The single-value overload avoids an array per header on the hot path.
            bool added = values.Count == 1
                ? message.Headers.TryAddWithoutValidation(name, values.ToString())
                : message.Headers.TryAddWithoutValidation(name, values.ToArray());
            if (!added && message.Content is not null)
            {
                if (values.Count == 1) message.Content.Headers.TryAddWithoutValidation(name, values.ToString());
                else message.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
        // gRPC needs "TE: trailers" end to end; it is the one TE value allowed through.
        if (req.Headers.TE.ToString().Contains("trailers", StringComparison.OrdinalIgnoreCase))
            message.Headers.TryAddWithoutValidation("TE", "trailers");
        if (isUpgrade)
        {
            message.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            message.Headers.TryAddWithoutValidation("Upgrade", webSocketKey is null ? req.Headers.Upgrade.ToArray() : ["websocket"]);
            if (webSocketKey is not null) message.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", webSocketKey);
        }
        // Validated before routing (HostSyntax); set raw so that .NET's parser never throws here.
        var host = service.PassHostHeader ? req.Host.Value : server.BaseUri.Authority;
        if (!string.IsNullOrEmpty(host)) message.Headers.TryAddWithoutValidation("Host", host);
        forwarded.Apply(ctx, message, isUpgrade);
        // Tracing: the backend's parent is this hop's ReverseProxy span, not the client's span.
        if (Observability.ObservedRequest.Of(ctx)?.Trace?.OutgoingTraceParent is { } traceParent)
        {
            message.Headers.Remove("traceparent");
            message.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }
        return message;
    }

    private static void CopyResponseHeaders(HttpResponseMessage response, HttpResponse target)
    {
        // NonValidated enumerates the raw values without parsing or allocating header objects.
        var connection = response.Headers.NonValidated.TryGetValues("Connection", out var c) ? c.ToString() : null;
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            if (HopByHopHeaders.IsHopByHop(name)) continue;
            if (connection is not null && HopByHopHeaders.IsNamedByConnection(connection, name)) continue;
            target.Headers[name] = values.Count == 1 ? values.ToString() : values.ToArray();
        }
        foreach (var (name, values) in response.Content.Headers.NonValidated)
            target.Headers[name] = values.Count == 1 ? values.ToString() : values.ToArray();
    }

    private static async Task CopyBodyAsync(HttpResponseMessage response, HttpContext ctx)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            // Kestrel sends each write at once, which covers both Traefik's 100ms flush interval and
            // the immediate flushing event streams need, without a timer per response.
            int n;
            while ((n = await body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false)) > 0)
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, n), ctx.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
