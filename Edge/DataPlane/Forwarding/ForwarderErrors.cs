using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Edge.Observability;
using Edge.Observability.Logging;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// The one place a failed forward is classified and reported: the stage is set as an
/// <see cref="IForwarderErrorFeature"/>, handed to observability (metrics count it per service and
/// stage, the access log shows the status), logged, and answered with Traefik's status for it.
/// </summary>
public static class ForwarderErrors
{
    /// <summary>The stage an exception from sending a request and awaiting its response head belongs to.</summary>
    /// <param name="clientAborted">The client's connection is gone (its abort token fired).</param>
    /// <param name="headerTimeoutFired">Edge's responseHeaderTimeout cancelled the send.</param>
    /// <param name="requestBodyFailed">Copying the request body to the server failed (see <see cref="RequestBodyContent"/>).</param>
    public static (ForwarderError Error, bool TimedOut) Classify(Exception e, bool clientAborted, bool headerTimeoutFired, bool requestBodyFailed)
    {
        if (clientAborted) return (ForwarderError.ClientAborted, false);
        if (headerTimeoutFired) return (ForwarderError.ResponseHeaders, true);
        bool timedOut = false;
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is BadHttpRequestException) return (ForwarderError.RequestBody, false);
            if (inner is TimeoutException or SocketException { SocketErrorCode: SocketError.TimedOut }) timedOut = true;
        }
        if (requestBodyFailed) return (ForwarderError.RequestSend, timedOut);
        if (e is HttpRequestException http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError
                    or HttpRequestError.ProxyTunnelError or HttpRequestError.VersionNegotiationError or HttpRequestError.ExtendedConnectNotSupported:
                    return (ForwarderError.Connect, timedOut);
                case HttpRequestError.Unknown when ConnectFailure(e):
                    return (ForwarderError.Connect, timedOut);
                default:
                    return (ForwarderError.ResponseHeaders, timedOut);
            }
        }
        // SocketsHttpHandler's ConnectTimeout surfaces as a cancellation carrying a TimeoutException.
        if (e is OperationCanceledException) return (ForwarderError.Connect, true);
        return (ConnectFailure(e) ? ForwarderError.Connect : ForwarderError.ResponseHeaders, timedOut);
    }

    private static bool ConnectFailure(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable or SocketError.HostNotFound or SocketError.AddressNotAvailable })
                return true;
        return false;
    }

    /// <summary>Traefik's answer for a stage (pkg/proxy/httputil ComputeStatusCode, the wrr's "no available server"); null: abort instead.</summary>
    public static int? StatusFor(ForwarderError error, bool timedOut) => error switch
    {
        ForwarderError.None => null,
        ForwarderError.NoServer => StatusCodes.Status503ServiceUnavailable,
        ForwarderError.RequestBody => StatusCodes.Status400BadRequest,
        ForwarderError.ClientAborted => StatusClientClosedRequest,
        ForwarderError.ResponseBody => null,
        ForwarderError.Upgrade => StatusCodes.Status502BadGateway,
        _ => timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
    };

    /// <summary>nginx's and Traefik's non-standard status for a client that closed the request.</summary>
    public const int StatusClientClosedRequest = 499;

    /// <summary>Records, logs and answers one failed forward. <paramref name="status"/> overrides the stage's status.</summary>
    public static void Report(HttpContext ctx, ForwarderError error, bool timedOut, Exception? e, string service, string? server, int? status = null)
    {
        ctx.Features.Set<IForwarderErrorFeature>(new ForwarderErrorFeature(error, timedOut, e));
        if (ctx.Features.Get<ObservedRequest>() is { } observed) observed.ForwardError = Name(error);
        var answer = status ?? StatusFor(error, timedOut);
        if (error != ForwarderError.ClientAborted)
        {
            // A server whose certificate does not verify is a configuration error, logged as such
            // (Traefik's isTLSConfigError); every other failure is the server's or the client's, at debug.
            var level = IsTlsConfigurationError(e) ? LogLevel.Error : LogLevel.Debug;
            Log.Write(level, "Error forwarding request", [("service", service), ("server", server), ("stage", Name(error)),
                ("timedOut", timedOut), ("status", answer), ("error", e?.Message)]);
        }
        // A retry middleware will try again: nothing reaches the client from this attempt.
        if (!ctx.Response.HasStarted && ctx.Features.Get<RetryAttempt>() is { } attempt && attempt.DiscardError(error))
        {
            if (answer is { } discarded) ctx.Response.StatusCode = discarded;   // what a circuit breaker inside the retry counts
            return;
        }
        if (ctx.Response.HasStarted)
        {
            if (error != ForwarderError.ClientAborted) ctx.Abort();
            return;
        }
        if (answer is null) { ctx.Abort(); return; }
        ctx.Response.StatusCode = answer.Value;
        if (error == ForwarderError.ClientAborted) return;   // nobody to read a body
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        _ = ctx.Response.WriteAsync(error == ForwarderError.NoServer ? "no available server" : ReasonPhrase(answer.Value));
    }

    /// <summary>The stage as a metric label and log value: lower case, stable.</summary>
    public static string Name(ForwarderError error) => error switch
    {
        ForwarderError.NoServer => "no_server",
        ForwarderError.RequestBody => "request_body",
        ForwarderError.Connect => "connect",
        ForwarderError.RequestSend => "request_send",
        ForwarderError.ResponseHeaders => "response_headers",
        ForwarderError.ResponseBody => "response_body",
        ForwarderError.ClientAborted => "client_aborted",
        ForwarderError.Upgrade => "upgrade",
        _ => "none",
    };

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Error";

    private static bool IsTlsConfigurationError(Exception? e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is AuthenticationException) return true;
        return false;
    }
}
