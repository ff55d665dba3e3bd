namespace Edge.Observability.AccessLog;

/// <summary>What one finished request contributes to its access-log line (captured on the request path, formatted later).</summary>
public sealed class AccessLogEntry
{
    public DateTimeOffset Start;
    public long DurationNs;
    public string EntryPoint = "";
    public string ClientAddr = "";
    public string ClientHost = "";
    public string ClientPort = "";
    public string Method = "";
    public string Path = "";
    public string Protocol = "";
    public string Scheme = "";
    public string RequestHost = "";
    public string RequestPort = "";
    public string RequestAddr = "";
    public long RequestContentSize;
    public int Status;
    public long DownstreamSize;
    public string Referer = "";
    public string UserAgent = "";
    public long RequestCount;
    public string? Router;
    public string? Username;
    /// <summary>How many times a retry middleware re-sent the request.</summary>
    public int RetryAttempts;
    /// <summary>Tenancy mode: the routed Ingress's namespace (selects the per-namespace file).</summary>
    public string? Namespace;
    public string? Service;
    public string? ServiceUrl;
    public long OriginDurationNs;
    public int OriginStatus;
    public List<(string Prefix, string Name, string Value)>? Headers;
    /// <summary>Tracing on: the trace and the entry point span, as Traefik logs them (TraceId/SpanId and OTel's trace_id/span_id).</summary>
    public string? TraceId;
    public string? SpanId;
    /// <summary>TLS connections: Traefik's TLSVersion ("1.3"), TLSCipher (Go's suite name) and TLSClientSubject (the client certificate's subject, Go's pkix.Name.String()).</summary>
    public string? TlsVersion;
    public string? TlsCipher;
    public string? TlsClientSubject;
}
