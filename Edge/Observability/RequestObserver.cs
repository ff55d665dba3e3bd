using System.Diagnostics;
using Edge.Observability.AccessLog;
using Edge.Observability.Metrics;
using Edge.DataPlane.Tls;
using Edge.Security;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Edge.Observability;

/// <summary>
/// Wraps every request when metrics or access logs are on: times it, counts response bytes, and
/// at the end records the metrics and enqueues the access-log entry. With both off, the host
/// calls the handler directly and this class costs nothing.
/// </summary>
/// <param name="namespaceLabels">Tenancy mode: router and service series carry a namespace label.</param>
/// <param name="tracer">Tracing on: every request gets a server span (exported only when its router is traced).</param>
/// <param name="filter">Which requests are observed at all (internal routers, router observability, access log filters).</param>
public sealed class RequestObserver(EdgeMetrics? metrics, AccessLogWriter? accessLog, bool namespaceLabels = false, ObservationFilter? filter = null,
    Tracing.RequestTracer? tracer = null)
{
    private readonly ObservationFilter _filter = filter ?? new ObservationFilter();

    private long _requestCount;

    public bool Enabled => metrics is not null || accessLog is not null || tracer is not null;

    public async Task ObserveAsync(HttpContext ctx, string entryPoint, Func<HttpContext, string, Task> handler)
    {
        long start = Stopwatch.GetTimestamp();
        var startTime = accessLog is null ? default : DateTimeOffset.UtcNow;
        var obs = new ObservedRequest(ctx.Response.Body);
        ctx.Response.Body = obs;
        ctx.Features.Set(obs);
        if (tracer is not null) obs.Trace = tracer.Begin(ctx, entryPoint);
        try
        {
            await handler(ctx, entryPoint);
        }
        finally
        {
            long elapsed = Stopwatch.GetTimestamp() - start;
            ctx.Response.Body = obs.Inner;
            var req = ctx.Request;
            int code = ctx.Response.StatusCode;
            string method = Protocols.Method(req.Method);
            if (metrics is not null && _filter.Meters(obs))
            {
                var ns = namespaceLabels ? obs.Namespace : null;
                metrics.Record(entryPoint, obs.Router, obs.Service, code, method, Protocols.Of(req), elapsed, req.ContentLength ?? obs.BytesRead, obs.BytesWritten, ns,
                    metrics.HeaderLabels.Any ? metrics.HeaderLabels.Values(req.Headers) : null);
                if (ctx.Features.Get<ITlsHandshakeFeature>() is { } tls)
                    metrics.RecordTls(entryPoint, obs.Router, obs.Service, GoTlsNames.VersionName(tls.Protocol), GoTlsNames.CipherName(tls.NegotiatedCipherSuite), ns);
                if (obs.ForwardError is not null && obs.Service is not null) metrics.ForwardFailed(obs.Service, obs.ForwardError);
                if (obs.RetryAttempts > 0 && obs.Service is not null) metrics.Retried(obs.Service, obs.RetryAttempts);
            }
            if (tracer is not null) tracer.End(ctx, obs.Trace!, obs.Trace!.Enabled && (!obs.Internal || tracer.AddInternals));
            if (accessLog is not null && _filter.Logs(obs, code, elapsed)) accessLog.Enqueue(Entry(ctx, entryPoint, obs, startTime, elapsed, code));
        }
    }

    private AccessLogEntry Entry(HttpContext ctx, string entryPoint, ObservedRequest obs, DateTimeOffset startTime, long elapsed, int code)
    {
        var req = ctx.Request;
        var remote = ctx.Connection.RemoteIpAddress?.ToString() ?? "";
        var host = req.Host.Host;
        var e = new AccessLogEntry
        {
            Start = startTime, DurationNs = (long)(elapsed * 1e9 / Stopwatch.Frequency), EntryPoint = entryPoint,
            ClientHost = remote, ClientPort = ctx.Connection.RemotePort.ToString(), ClientAddr = remote + ":" + ctx.Connection.RemotePort,
            Method = req.Method, Path = req.Path.Value + req.QueryString.Value, Protocol = req.Protocol, Scheme = req.Scheme,
            RequestHost = host, RequestPort = req.Host.Port?.ToString() ?? "-", RequestAddr = req.Host.Value ?? "",
            RequestContentSize = req.ContentLength ?? obs.BytesRead, Status = code, DownstreamSize = obs.BytesWritten,
            Referer = req.Headers.Referer.ToString(), UserAgent = req.Headers.UserAgent.ToString(),
            RequestCount = Interlocked.Increment(ref _requestCount),
            Router = obs.Router, Username = obs.Username, RetryAttempts = obs.RetryAttempts, Service = obs.Service, ServiceUrl = obs.ServerUrl, Namespace = obs.Namespace,
            OriginDurationNs = (long)(obs.OriginTicks * 1e9 / Stopwatch.Frequency), OriginStatus = obs.OriginStatus,
        };
        if (ctx.Features.Get<ITlsHandshakeFeature>() is { } tls)
        {
            e.TlsVersion = GoTlsNames.VersionName(tls.Protocol);
            e.TlsCipher = GoTlsNames.CipherName(tls.NegotiatedCipherSuite);
            if (ctx.Connection.ClientCertificate is { } client) e.TlsClientSubject = GoPkixName.Of(client.SubjectName.RawData);
        }
        if (obs.Trace is { Enabled: true } trace)
        {
            e.TraceId = ((ulong)(trace.Context.TraceId >> 64)).ToString("x16") + ((ulong)trace.Context.TraceId).ToString("x16");
            e.SpanId = trace.Context.SpanId.ToString("x16");
        }
        var fields = accessLog!.Fields;
        if (fields.AnyHeaders)
        {
            e.Headers = new();
            foreach (var (name, value) in req.Headers) AddHeader(e.Headers, fields, "request_", name, value.ToString());
            foreach (var (name, value) in ctx.Response.Headers) AddHeader(e.Headers, fields, "downstream_", name, value.ToString());
        }
        return e;
    }

    private static void AddHeader(List<(string, string, string)> list, AccessLogFields fields, string prefix, string name, string value)
    {
        var mode = fields.Header(name);
        if (mode == AccessLogFields.Drop) return;
        list.Add((prefix, name, mode == AccessLogFields.Redact ? "REDACTED" : value));
    }
}
