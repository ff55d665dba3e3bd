using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Edge.Observability.AccessLog;

/// <summary>
/// Traefik's two access-log formats (pkg/middlewares/accesslog/logger_formatters.go and the
/// logrus JSON formatter): Common Log Format plus Traefik's extra fields, or one JSON object.
/// Runs on the background writer, never on the request path.
/// </summary>
public static class AccessLogFormatter
{
    public static string Common(AccessLogEntry e, AccessLogFields f)
    {
        var sb = new StringBuilder(256);
        sb.Append(Val(f.Has("ClientHost") ? e.ClientHost : "")).Append(" - ").Append(Val(f.Has("ClientUsername") ? e.Username : null))
          .Append(" [").Append(f.Has("StartLocal") ? ClfTime(e.Start) : "-").Append("] \"")
          .Append(Val(f.Has("RequestMethod") ? e.Method : "")).Append(' ').Append(Val(f.Has("RequestPath") ? e.Path : "")).Append(' ').Append(Val(f.Has("RequestProtocol") ? e.Protocol : "")).Append("\" ")
          .Append(f.Has("DownstreamStatus") ? e.Status.ToString(CultureInfo.InvariantCulture) : "-").Append(' ')
          .Append(f.Has("DownstreamContentSize") ? e.DownstreamSize.ToString(CultureInfo.InvariantCulture) : "-").Append(' ')
          .Append('"').Append(Val(e.Referer)).Append("\" \"").Append(Val(e.UserAgent)).Append("\" ")
          .Append(f.Has("RequestCount") ? e.RequestCount.ToString(CultureInfo.InvariantCulture) : "-").Append(' ')
          .Append('"').Append(Val(f.Has("RouterName") ? e.Router : null)).Append("\" \"").Append(Val(f.Has("ServiceURL") ? e.ServiceUrl : null)).Append("\" ")
          .Append(f.Has("Duration") ? (e.DurationNs / 1_000_000).ToString(CultureInfo.InvariantCulture) : "0").Append("ms");
        return sb.ToString();
    }

    public static string Json(AccessLogEntry e, AccessLogFields f)
    {
        using var ms = new MemoryStream(512);
        // Relaxed escaping: a log line is not embedded in HTML, and "+01:00" must stay readable.
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            void S(string k, string? v) { if (f.Has(k) && !string.IsNullOrEmpty(v)) w.WriteString(k, v); }
            void N(string k, long v) { if (f.Has(k)) w.WriteNumber(k, v); }
            S("ClientAddr", e.ClientAddr); S("ClientHost", e.ClientHost); S("ClientPort", e.ClientPort); S("ClientUsername", e.Username ?? "-");
            N("DownstreamContentSize", e.DownstreamSize); N("DownstreamStatus", e.Status); N("Duration", e.DurationNs);
            if (e.ServiceUrl is not null)
            {
                N("OriginContentSize", e.DownstreamSize); N("OriginDuration", e.OriginDurationNs); N("OriginStatus", e.OriginStatus);
                N("Overhead", Math.Max(0, e.DurationNs - e.OriginDurationNs));
            }
            S("RequestAddr", e.RequestAddr); N("RequestContentSize", e.RequestContentSize); N("RequestCount", e.RequestCount);
            S("RequestHost", e.RequestHost); S("RequestMethod", e.Method); S("RequestPath", e.Path); S("RequestPort", e.RequestPort);
            S("RequestProtocol", e.Protocol); S("RequestScheme", e.Scheme); N("RetryAttempts", e.RetryAttempts);
            S("RouterName", e.Router);
            if (e.ServiceUrl is not null) S("ServiceAddr", new Uri(e.ServiceUrl).Authority);
            S("ServiceName", e.Service); S("ServiceURL", e.ServiceUrl);
            S("SpanId", e.SpanId);
            S("StartLocal", e.Start.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffK", CultureInfo.InvariantCulture));
            S("StartUTC", e.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            S("TLSCipher", e.TlsCipher); S("TLSClientSubject", e.TlsClientSubject); S("TLSVersion", e.TlsVersion);
            S("TraceId", e.TraceId);
            S("entryPointName", e.EntryPoint);
            S("span_id", e.SpanId); S("trace_id", e.TraceId);
            if (e.Headers is not null)
                foreach (var (prefix, name, value) in e.Headers) w.WriteString(prefix + name, value);
            w.WriteString("level", "info");
            w.WriteString("msg", "");
            w.WriteString("time", DateTimeOffset.Now.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    // Go's "02/Jan/2006:15:04:05 -0700": .NET's zzz has a colon in the offset, Go's has none.
    private static string ClfTime(DateTimeOffset t)
    {
        var s = t.ToLocalTime().ToString("dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture);
        return s.Remove(s.Length - 3, 1);
    }

    private static string Val(string? v) => string.IsNullOrEmpty(v) ? "-" : v;
}
