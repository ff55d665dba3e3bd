using static Edge.Configuration.OptionValues;

namespace Edge.Configuration;

/// <summary>
/// Every static option Edge understands, with Traefik's names, defaults and descriptions. The flag
/// parser, the TOML loader, the environment reader and <c>--help</c> all read this one table.
/// </summary>
public static class OptionRegistry
{
    private const string P = "providers.kubernetesIngress.";

    public static IReadOnlyList<OptionSpec> All { get; } = Build();

    private static OptionSpec O(string name, OptionKind kind, string def, string desc, Action<StaticConfig, string, string> apply) =>
        new(name, kind, def, desc, apply);

    private static OptionSpec Prov(string name, OptionKind kind, string def, string desc, Action<ProviderOptions, string> apply) =>
        new(P + name, kind, def, desc, (c, _, v) => { c.KubernetesIngressEnabled = true; c.KubernetesIngressConfigured = true; apply(c.KubernetesIngress, v); });

    private static OptionSpec Ep(string name, OptionKind kind, string def, string desc, Action<EntryPointOptions, string> apply) =>
        new("entryPoints.<name>." + name, kind, def, desc, (c, n, v) => apply(c.EntryPoint(n), v));

    private static OptionSpec EncodedCharacter(string option, DeniedEncodings flag, string encoded) =>
        Ep("http.encodedCharacters." + option, OptionKind.Bool, "false", $"Allow {encoded} (either case) in request paths; rejected with 400 otherwise.", (e, v) =>
        {
            if (Bool("entryPoints." + e.Name + ".http.encodedCharacters." + option, v)) e.DeniedEncodings &= ~flag;
            else e.DeniedEncodings |= flag;
        });

    private static List<OptionSpec> Build()
    {
        var l = new List<OptionSpec>
        {
            O("configFile", OptionKind.String, "", "Path to a TOML static configuration file.", (c, _, v) => c.ConfigFile = v),
            Ep("address", OptionKind.String, "", "Entry point address, e.g. \":80\" or \"127.0.0.1:8000\".", (e, v) => e.Address = v),
            Ep("http.tls", OptionKind.Bool, "false", "Serve TLS on this entry point (routers default to TLS).", (e, v) => e.HttpTls = Bool("entryPoints." + e.Name + ".http.tls", v)),
            // Setting an option of http.tls makes the entry point a TLS one, as Traefik's non-nil http.tls section does.
            Ep("http.tls.options", OptionKind.String, "", "TLS options (name@provider) of this entry point's routers that name none.", (e, v) => { e.HttpTlsOptions = v; e.HttpTls = true; }),
            Ep("http.tls.certResolver", OptionKind.String, "", "Certificate resolver of this entry point's routers that have no TLS section.", (e, v) => { e.HttpTlsCertResolver = v; e.HttpTls = true; }),
            O("entryPoints.<name>.http.tls.domains[0].main", OptionKind.String, "", "Main domain of a certificate the entry point's resolver obtains for its routers.",
                (c, n, v) => { var (ep, i) = OptionSpec.SplitIndex(n); c.EntryPoint(ep).HttpTls = true; c.EntryPoint(ep).HttpTlsDomain(i).Main = v; }),
            O("entryPoints.<name>.http.tls.domains[0].sans", OptionKind.List, "", "Subject alternative names of that certificate.",
                (c, n, v) => { var (ep, i) = OptionSpec.SplitIndex(n); c.EntryPoint(ep).HttpTls = true; c.EntryPoint(ep).HttpTlsDomain(i).Sans = List(v); }),
            Ep("http.redirections.entryPoint.to", OptionKind.String, "", "Redirect every request to this entry point.", (e, v) => e.RedirectTo = v),
            Ep("http.redirections.entryPoint.scheme", OptionKind.String, "https", "Scheme used for the redirection.", (e, v) => e.RedirectScheme = v),
            Ep("http.redirections.entryPoint.permanent", OptionKind.Bool, "true", "Use a permanent (308/301) redirection.", (e, v) => e.RedirectPermanent = Bool("entryPoints." + e.Name + ".http.redirections.entryPoint.permanent", v)),
            // Request-path security (issue 12). Edge rejects the seven encoded characters by default,
            // where Traefik v3.7 allows them: a split view between proxy and backend is a way past a router.
            EncodedCharacter("allowEncodedSlash", DeniedEncodings.Slash, "%2F"),
            EncodedCharacter("allowEncodedBackSlash", DeniedEncodings.BackSlash, "%5C"),
            EncodedCharacter("allowEncodedNullCharacter", DeniedEncodings.Null, "%00"),
            EncodedCharacter("allowEncodedSemicolon", DeniedEncodings.Semicolon, "%3B"),
            EncodedCharacter("allowEncodedPercent", DeniedEncodings.Percent, "%25"),
            EncodedCharacter("allowEncodedQuestionMark", DeniedEncodings.QuestionMark, "%3F"),
            EncodedCharacter("allowEncodedHash", DeniedEncodings.Hash, "%23"),
            Ep("asDefault", OptionKind.Bool, "false", "Routers without entryPoints listen here (when any entry point sets it, only those).", (e, v) => e.AsDefault = Bool("entryPoints." + e.Name + ".asDefault", v)),
            Ep("allowACMEByPass", OptionKind.Bool, "false", "Let user routers handle ACME HTTP-01 challenge requests: the internal challenge router gets no top priority, and the redirection skips its path.", (e, v) => e.AllowAcmeByPass = Bool("entryPoints." + e.Name + ".allowACMEByPass", v)),
            Ep("http.sanitizePath", OptionKind.Bool, "true", "Remove ., .. and duplicate slash segments from request paths.", (e, v) => e.SanitizePath = Bool("entryPoints." + e.Name + ".http.sanitizePath", v)),
            Ep("forwardedHeaders.trustedIPs", OptionKind.List, "", "Trust X-Forwarded-* headers from these IPs/CIDRs.", (e, v) => e.ForwardedHeadersTrustedIPs = List(v)),
            Ep("forwardedHeaders.insecure", OptionKind.Bool, "false", "Trust all X-Forwarded-* headers.", (e, v) => e.ForwardedHeadersInsecure = Bool("entryPoints." + e.Name + ".forwardedHeaders.insecure", v)),
            Ep("proxyProtocol.trustedIPs", OptionKind.List, "", "Read the PROXY protocol header (v1, v2) from these IPs/CIDRs; the client address comes from it.", (e, v) => e.ProxyProtocolTrustedIPs = IpList("entryPoints." + e.Name + ".proxyProtocol.trustedIPs", v)),
            Ep("proxyProtocol.insecure", OptionKind.Bool, "false", "Read the PROXY protocol header from any address.", (e, v) => e.ProxyProtocolInsecure = Bool("entryPoints." + e.Name + ".proxyProtocol.insecure", v)),
            Ep("observability.accessLogs", OptionKind.Bool, "true", "Access logs for routers on this entry point that do not set router observability.", (e, v) => e.ObservabilityAccessLogs = Bool("entryPoints." + e.Name + ".observability.accessLogs", v)),
            Ep("observability.metrics", OptionKind.Bool, "true", "Metrics for routers on this entry point that do not set router observability.", (e, v) => e.ObservabilityMetrics = Bool("entryPoints." + e.Name + ".observability.metrics", v)),
            Ep("observability.tracing", OptionKind.Bool, "true", "Trace requests on this entry point (when tracing is on); a router's observability.tracing overrides.", (e, v) => e.ObservabilityTracing = Bool("entryPoints." + e.Name + ".observability.tracing", v)),
            Ep("observability.traceVerbosity", OptionKind.String, "minimal", "minimal (entry point and ReverseProxy spans) or detailed (also Router and Service spans); a router's observability.traceVerbosity overrides.", (e, v) => e.ObservabilityTraceVerbosity = OneOf("entryPoints." + e.Name + ".observability.traceVerbosity", v, "minimal", "detailed")),
            Ep("forwardedHeaders.connection", OptionKind.List, "", "Connection-listed headers kept through the middleware chain (removed before forwarding in any case).", (e, v) => e.ForwardedHeadersConnection = List(v)),
            Ep("forwardedHeaders.notAppendXForwardedFor", OptionKind.Bool, "false", "Do not append the client address to X-Forwarded-For.", (e, v) => e.NotAppendXForwardedFor = Bool("entryPoints." + e.Name + ".forwardedHeaders.notAppendXForwardedFor", v)),
            Ep("forwardedHeaders.addXForwardedSchemeHeaders", OptionKind.Bool, "false", "Also send X-Forwarded-Scheme and X-Scheme (the X-Forwarded-Proto value).", (e, v) => e.AddXForwardedSchemeHeaders = Bool("entryPoints." + e.Name + ".forwardedHeaders.addXForwardedSchemeHeaders", v)),
            Ep("http.maxHeaderBytes", OptionKind.Int, "0", "Maximum size of the request line and of the headers (then 414/431); 0 = Edge's 8 KiB line, 32 KiB headers (Traefik: 1 MiB).", (e, v) => e.MaxHeaderBytes = Positive("entryPoints." + e.Name + ".http.maxHeaderBytes", v)),
            Ep("http2.maxConcurrentStreams", OptionKind.Int, "250", "Concurrent HTTP/2 streams each client may open on a connection.", (e, v) => e.Http2MaxConcurrentStreams = Positive("entryPoints." + e.Name + ".http2.maxConcurrentStreams", v)),
            Ep("http2.maxDecoderHeaderTableSize", OptionKind.Int, "4096", "HPACK table size for headers received from clients.", (e, v) => e.Http2MaxDecoderHeaderTableSize = NonNegative("entryPoints." + e.Name + ".http2.maxDecoderHeaderTableSize", v)),
            Ep("http2.maxEncoderHeaderTableSize", OptionKind.Int, "4096", "Only 4096 (Traefik's default): Kestrel's HPACK encoder table is not configurable, so another value is refused.", (e, v) => e.Http2MaxEncoderHeaderTableSize = EncoderTableSize("entryPoints." + e.Name + ".http2.maxEncoderHeaderTableSize", v)),
            Ep("transport.keepAliveMaxRequests", OptionKind.Int, "0", "Close a keep-alive connection after this many requests (0 = no limit).", (e, v) => e.KeepAliveMaxRequests = NonNegative("entryPoints." + e.Name + ".transport.keepAliveMaxRequests", v)),
            Ep("transport.keepAliveMaxTime", OptionKind.Duration, "0s", "Close a keep-alive connection after this long (0 = no limit).", (e, v) => e.KeepAliveMaxTime = Duration("entryPoints." + e.Name + ".transport.keepAliveMaxTime", v)),
            Ep("udp.timeout", OptionKind.Duration, "3s", "A UDP entry point's (address \":port/udp\") idle session timeout: a client silent this long has its session to the server closed.", (e, v) => e.UdpTimeout = Duration("entryPoints." + e.Name + ".udp.timeout", v) is { Ticks: > 0 } t ? t
                : throw new ConfigException("entryPoints." + e.Name + ".udp.timeout", "a duration greater than zero (Traefik: timeout should be greater than zero)")),
            Ep("reusePort", OptionKind.Bool, "false", "Set SO_REUSEPORT on the listener (several processes share the port).", (e, v) => e.ReusePort = Bool("entryPoints." + e.Name + ".reusePort", v)),
            Ep("transport.lifecycle.requestAcceptGraceTimeout", OptionKind.Duration, "0s", "Keep accepting requests this long after SIGTERM.", (e, v) => e.RequestAcceptGraceTimeout = Duration("transport.lifecycle.requestAcceptGraceTimeout", v)),
            Ep("transport.lifecycle.graceTimeout", OptionKind.Duration, "10s", "Time given to in-flight requests to finish on shutdown.", (e, v) => e.GraceTimeout = Duration("transport.lifecycle.graceTimeout", v)),
            Ep("transport.respondingTimeouts.readTimeout", OptionKind.Duration, "60s", "Maximum duration for reading the entire request.", (e, v) => e.ReadTimeout = Duration("transport.respondingTimeouts.readTimeout", v)),
            Ep("transport.respondingTimeouts.writeTimeout", OptionKind.Duration, "0s", "Maximum duration before timing out writes of the response.", (e, v) => e.WriteTimeout = Duration("transport.respondingTimeouts.writeTimeout", v)),
            Ep("transport.respondingTimeouts.idleTimeout", OptionKind.Duration, "180s", "Maximum keep-alive idle time.", (e, v) => e.IdleTimeout = Duration("transport.respondingTimeouts.idleTimeout", v)),

            O("api", OptionKind.Section, "false", "Enable the API.", (c, _, v) => c.Api.Enabled = Bool("api", v)),
            O("api.insecure", OptionKind.Bool, "false", "Serve the API on the traefik entry point (default :8080).", (c, _, v) => { c.Api.Enabled = true; c.Api.Insecure = Bool("api.insecure", v); }),
            O("api.debug", OptionKind.Bool, "false", "Serve /debug/vars (GC figures and the sizes of Edge's caches and tables) on the API.", (c, _, v) => c.Api.Debug = Bool("api.debug", v)),
            O("api.dashboard", OptionKind.Bool, "true", "Serve the dashboard.", (c, _, v) => c.Api.Dashboard = Bool("api.dashboard", v)),
            O("ping", OptionKind.Section, "false", "Enable /ping.", (c, _, v) => c.Ping.Enabled = Bool("ping", v)),
            O("ping.entryPoint", OptionKind.String, "traefik", "Entry point serving /ping.", (c, _, v) => { c.Ping.Enabled = true; c.Ping.EntryPoint = v; }),
            O("ping.terminatingStatusCode", OptionKind.Int, "503", "Status /ping answers during shutdown.", (c, _, v) => { c.Ping.Enabled = true; c.Ping.TerminatingStatusCode = StatusCode("ping.terminatingStatusCode", v); }),
            O("ping.waitForConfiguration", OptionKind.Bool, "true", "Edge: /ping answers 503 until every enabled provider's first configuration is served; false answers 200 as soon as Edge listens (Traefik's behaviour).", (c, _, v) => { c.Ping.Enabled = true; c.Ping.WaitForConfiguration = Bool("ping.waitForConfiguration", v); }),
            O("log.level", OptionKind.String, "ERROR", "Log level: TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC.", (c, _, v) => c.Log.Level = LogLevelName(v)),
            O("log.format", OptionKind.String, "common", "Log format: common or json.", (c, _, v) => c.Log.Format = OneOf("log.format", v, "common", "json")),
            O("log.filePath", OptionKind.String, "", "Write the log to this file instead of stdout (rotated by size).", (c, _, v) => c.Log.FilePath = v),
            O("log.maxSize", OptionKind.Int, "0", "Megabytes the log file may reach before it is rotated (0 = 100).", (c, _, v) => c.Log.MaxSize = NonNegative("log.maxSize", v)),
            O("log.maxBackups", OptionKind.Int, "0", "Rotated log files kept (0 = all).", (c, _, v) => c.Log.MaxBackups = NonNegative("log.maxBackups", v)),
            O("log.maxAge", OptionKind.Int, "0", "Days rotated log files are kept (0 = no limit).", (c, _, v) => c.Log.MaxAge = NonNegative("log.maxAge", v)),
            O("log.compress", OptionKind.Bool, "false", "Gzip rotated log files.", (c, _, v) => c.Log.Compress = Bool("log.compress", v)),
            O("log.noColor", OptionKind.Bool, "false", "Accepted for compatibility (Edge never colours logs).", (_, _, v) => Bool("log.noColor", v)),
            O("accessLog", OptionKind.Section, "false", "Enable access logs.", (c, _, v) => c.AccessLog.Enabled = Bool("accessLog", v)),
            O("accessLog.filePath", OptionKind.String, "", "Access log file (default stdout).", (c, _, v) => { c.AccessLog.Enabled = true; c.AccessLog.FilePath = v; }),
            O("accessLog.format", OptionKind.String, "common", "Access log format: common or json.", (c, _, v) => { c.AccessLog.Enabled = true; c.AccessLog.Format = OneOf("accessLog.format", v, "common", "json"); }),
            O("accessLog.addInternals", OptionKind.Bool, "false", "Also log requests served by internal routers (ping, api, dashboard, metrics).", (c, _, v) => c.AccessLog.AddInternals = Bool("accessLog.addInternals", v)),
            O("accessLog.filters", OptionKind.Section, "", "Keep only the access log lines that match a filter below (none set: keep all).", (c, _, v) => c.AccessLog.Enabled = true),
            O("accessLog.filters.statusCodes", OptionKind.List, "", "Keep requests answered with these status codes or ranges (\"200\", \"300-302\").", (c, _, v) => { c.AccessLog.Enabled = true; c.AccessLog.FilterStatusCodes = StatusRanges("accessLog.filters.statusCodes", v); }),
            O("accessLog.filters.retryAttempts", OptionKind.Bool, "false", "Keep requests that were retried.", (c, _, v) => { c.AccessLog.Enabled = true; c.AccessLog.FilterRetryAttempts = Bool("accessLog.filters.retryAttempts", v); }),
            O("accessLog.filters.minDuration", OptionKind.Duration, "0s", "Keep requests that took longer than this.", (c, _, v) => { c.AccessLog.Enabled = true; c.AccessLog.FilterMinDuration = Duration("accessLog.filters.minDuration", v); }),
            O("metrics.addInternals", OptionKind.Bool, "false", "Also count requests served by internal routers (ping, api, dashboard, metrics).", (c, _, v) => c.Metrics.AddInternals = Bool("metrics.addInternals", v)),
            O("metrics.prometheus", OptionKind.Section, "false", "Enable Prometheus metrics on /metrics.", (c, _, v) => c.Metrics.PrometheusEnabled = Bool("metrics.prometheus", v)),
            O("accessLog.bufferingSize", OptionKind.Int, "0", "Number of access log lines to process in a buffered way.", (c, _, v) => { c.AccessLog.Enabled = true; c.AccessLog.BufferingSize = Int("accessLog.bufferingSize", v); }),
            O("accessLog.fields.defaultMode", OptionKind.String, "keep", "Default mode for fields: keep or drop.", (c, _, v) => c.AccessLog.FieldsDefaultMode = OneOf("accessLog.fields.defaultMode", v, "keep", "drop")),
            new OptionSpec("accessLog.fields.names.<name>", OptionKind.String, "", "Override mode for one field: keep or drop.", (c, n, v) => c.AccessLog.FieldNames[n] = OneOf("accessLog.fields.names." + n, v, "keep", "drop")),
            O("accessLog.fields.headers.defaultMode", OptionKind.String, "drop", "Default mode for headers: keep, drop or redact.", (c, _, v) => c.AccessLog.HeadersDefaultMode = OneOf("accessLog.fields.headers.defaultMode", v, "keep", "drop", "redact")),
            new OptionSpec("accessLog.fields.headers.names.<name>", OptionKind.String, "", "Override mode for one header: keep, drop or redact.", (c, n, v) => c.AccessLog.HeaderNames[n] = OneOf("accessLog.fields.headers.names." + n, v, "keep", "drop", "redact")),
            O("metrics.prometheus.entryPoint", OptionKind.String, "traefik", "Entry point serving /metrics.", (c, _, v) => { c.Metrics.PrometheusEnabled = true; c.Metrics.PrometheusEntryPoint = v; }),
            O("metrics.prometheus.buckets", OptionKind.List, "0.1,0.3,1.2,5.0", "Buckets for latency metrics.", (c, _, v) => { c.Metrics.PrometheusEnabled = true; c.Metrics.PrometheusBuckets = Buckets(v); }),
            O("metrics.prometheus.addEntryPointsLabels", OptionKind.Bool, "true", "Enable metrics on entry points.", (c, _, v) => { c.Metrics.PrometheusEnabled = true; c.Metrics.AddEntryPointsLabels = Bool("metrics.prometheus.addEntryPointsLabels", v); }),
            O("metrics.prometheus.addRoutersLabels", OptionKind.Bool, "false", "Enable metrics on routers.", (c, _, v) => { c.Metrics.PrometheusEnabled = true; c.Metrics.AddRoutersLabels = Bool("metrics.prometheus.addRoutersLabels", v); }),
            O("metrics.prometheus.addServicesLabels", OptionKind.Bool, "true", "Enable metrics on services.", (c, _, v) => { c.Metrics.PrometheusEnabled = true; c.Metrics.AddServicesLabels = Bool("metrics.prometheus.addServicesLabels", v); }),
            O("metrics.prometheus.headerLabels.<name>", OptionKind.String, "", "An extra label of the *_requests_total counters, filled from the named request header.", (c, n, v) => { c.Metrics.PrometheusEnabled = true; c.Metrics.HeaderLabels[n] = v; }),
            O("metrics.prometheus.manualRouting", OptionKind.Bool, "false", "Do not serve /metrics on the entry point (route it yourself).", (c, _, v) => { c.Metrics.PrometheusEnabled = true; c.Metrics.ManualRouting = Bool("metrics.prometheus.manualRouting", v); }),
            O("global.checkNewVersion", OptionKind.Bool, "false", "Accepted for compatibility (Edge never phones home).", (_, _, v) => Bool("global.checkNewVersion", v)),
            O("global.notAppendXForwardedFor", OptionKind.Bool, "false", "No entry point appends the client address to X-Forwarded-For.", (c, _, v) => c.NotAppendXForwardedFor = Bool("global.notAppendXForwardedFor", v)),
            O("global.sendAnonymousUsage", OptionKind.Bool, "false", "Accepted for compatibility (Edge never phones home).", (_, _, v) => Bool("global.sendAnonymousUsage", v)),
            O("core.defaultRuleSyntax", OptionKind.String, "v3", "Default rule syntax for routers: v3 or v2.", (c, _, v) => c.KubernetesIngress.DefaultRuleSyntax = OneOf("core.defaultRuleSyntax", v, "v3", "v2") == "v2" ? "v2" : ""),
            O("tenancy.enabled", OptionKind.Bool, "false", "Multi-tenant mode: certificates stay with their namespace, a host belongs to the namespace that claimed it first, catch-alls need an allowlist, per-namespace limits.", (c, _, v) => c.KubernetesIngress.TenancyEnabled = Bool("tenancy.enabled", v)),
            O("tenancy.defaultBackendNamespaces", OptionKind.List, "", "Tenancy: namespaces allowed to declare catch-alls (an Ingress default backend, or a rule without a host).", (c, _, v) => c.KubernetesIngress.Tenancy.DefaultBackendNamespaces = List(v)),
            O("tenancy.rateLimit.average", OptionKind.Int, "0", "Tenancy: requests per second each namespace may receive (token bucket; 0 = no limit). Namespace annotation edge.io/rate-limit overrides.", (c, _, v) => c.KubernetesIngress.Tenancy.RateLimitAverage = NonNegative("tenancy.rateLimit.average", v)),
            O("tenancy.rateLimit.burst", OptionKind.Int, "0", "Tenancy: token bucket size (0 = the average). Namespace annotation edge.io/rate-burst overrides.", (c, _, v) => c.KubernetesIngress.Tenancy.RateLimitBurst = NonNegative("tenancy.rateLimit.burst", v)),
            O("tenancy.maxConcurrentRequests", OptionKind.Int, "0", "Tenancy: requests each namespace may have in flight (0 = no limit). Namespace annotation edge.io/max-concurrent-requests overrides.", (c, _, v) => c.KubernetesIngress.Tenancy.MaxConcurrentRequests = NonNegative("tenancy.maxConcurrentRequests", v)),
            O("accessLog.perNamespaceDir", OptionKind.String, "", "Write each routed request's access log line to DIR/<namespace>.log only (the namespace of the Ingress that routed it); unrouted requests stay in the main log.", (c, _, v) => { c.AccessLog.Enabled = true; c.AccessLog.PerNamespaceDir = v; }),
            O("leaderElection.enabled", OptionKind.Bool, "false", "Write Ingress status (and tenancy Events) only from the replica holding a coordination.k8s.io Lease; every replica keeps routing.", (c, _, v) => c.LeaderElection.Enabled = Bool("leaderElection.enabled", v)),
            O("leaderElection.leaseName", OptionKind.String, "edge", "Name of the Lease.", (c, _, v) => { c.LeaderElection.Enabled = true; c.LeaderElection.LeaseName = v; }),
            O("leaderElection.namespace", OptionKind.String, "", "Namespace of the Lease (default: POD_NAMESPACE, else the service account's namespace, else default).", (c, _, v) => { c.LeaderElection.Enabled = true; c.LeaderElection.Namespace = v; }),
            O("leaderElection.leaseDuration", OptionKind.Duration, "15s", "How long a Lease holds without renewal; a new leader takes over after it.", (c, _, v) => c.LeaderElection.LeaseDuration = Duration("leaderElection.leaseDuration", v)),
            O("leaderElection.renewDeadline", OptionKind.Duration, "10s", "The leader stops writing when it could not renew for this long.", (c, _, v) => c.LeaderElection.RenewDeadline = Duration("leaderElection.renewDeadline", v)),
            O("leaderElection.retryPeriod", OptionKind.Duration, "2s", "Interval between acquire/renew attempts.", (c, _, v) => c.LeaderElection.RetryPeriod = Duration("leaderElection.retryPeriod", v)),
            O("providers.providersThrottleDuration", OptionKind.Duration, "2s", "Minimum time between two configuration reloads.", (c, _, v) => c.ProvidersThrottleDuration = Duration("providers.providersThrottleDuration", v)),

            O("serversTransport.insecureSkipVerify", OptionKind.Bool, "false", "Do not verify backend TLS certificates.", (c, _, v) => c.ServersTransport.InsecureSkipVerify = Bool("serversTransport.insecureSkipVerify", v)),
            O("serversTransport.rootCAs", OptionKind.List, "", "PEM files of CAs trusted for backend TLS.", (c, _, v) => c.ServersTransport.RootCAs = List(v)),
            O("serversTransport.maxIdleConnsPerHost", OptionKind.Int, "200", "Idle connections kept per backend.", (c, _, v) => c.ServersTransport.MaxIdleConnsPerHost = Int("serversTransport.maxIdleConnsPerHost", v)),
            O("serversTransport.forwardingTimeouts.dialTimeout", OptionKind.Duration, "30s", "Time allowed to connect to a backend (then 504).", (c, _, v) => c.ServersTransport.DialTimeout = Duration("serversTransport.forwardingTimeouts.dialTimeout", v)),
            O("serversTransport.forwardingTimeouts.responseHeaderTimeout", OptionKind.Duration, "0s", "Time allowed for a backend's response headers (then 504); 0 = none.", (c, _, v) => c.ServersTransport.ResponseHeaderTimeout = Duration("serversTransport.forwardingTimeouts.responseHeaderTimeout", v)),
            O("serversTransport.forwardingTimeouts.idleConnTimeout", OptionKind.Duration, "90s", "Idle backend connections are closed after this.", (c, _, v) => c.ServersTransport.IdleConnTimeout = Duration("serversTransport.forwardingTimeouts.idleConnTimeout", v)),

            O("providers.kubernetesIngress", OptionKind.Section, "true", "Enable the Kubernetes Ingress provider.", (c, _, v) => { c.KubernetesIngressEnabled = Bool("providers.kubernetesIngress", v); c.KubernetesIngressConfigured = true; }),
            Prov("endpoint", OptionKind.String, "", "Kubernetes server endpoint (required for external cluster client).", (p, v) => p.Endpoint = v),
            Prov("token", OptionKind.String, "", "Kubernetes bearer token (not needed for in-cluster client). A token value or a file path to the token.", (p, v) => p.Token = v),
            Prov("certAuthFilePath", OptionKind.String, "", "Kubernetes certificate authority file path (not needed for in-cluster client).", (p, v) => p.CertAuthFilePath = v),
            Prov("namespaces", OptionKind.List, "", "Kubernetes namespaces (default: all).", (p, v) => p.Namespaces = List(v)),
            Prov("labelSelector", OptionKind.String, "", "Kubernetes Ingress label selector to use.", (p, v) => p.LabelSelector = LabelSelector(v)),
            Prov("ingressClass", OptionKind.String, "", "Value of kubernetes.io/ingress.class annotation or IngressClass name to watch for.", (p, v) => p.IngressClass = v),
            Prov("ingressEndpoint.ip", OptionKind.String, "", "IP used for Kubernetes Ingress endpoints.", (p, v) => p.IngressEndpointIp = v),
            Prov("ingressEndpoint.hostname", OptionKind.String, "", "Hostname used for Kubernetes Ingress endpoints.", (p, v) => p.IngressEndpointHostname = v),
            Prov("ingressEndpoint.publishedService", OptionKind.String, "", "Published Kubernetes Service to copy status from (namespace/name).", (p, v) => p.IngressEndpointPublishedService = PublishedService(v)),
            Prov("reportNodeInternalIPs", OptionKind.Bool, "false", "Report node internal IPs in Ingress status.", (p, v) => p.ReportNodeInternalIPs = Bool(P + "reportNodeInternalIPs", v)),
            Prov("throttleDuration", OptionKind.Duration, "0s", "Ingress refresh throttle duration.", (p, v) => p.ThrottleDuration = Duration(P + "throttleDuration", v)),
            Prov("allowEmptyServices", OptionKind.Bool, "false", "Allow creation of services without endpoints.", (p, v) => p.AllowEmptyServices = Bool(P + "allowEmptyServices", v)),
            Prov("allowExternalNameServices", OptionKind.Bool, "false", "Allow ExternalName services.", (p, v) => p.AllowExternalNameServices = Bool(P + "allowExternalNameServices", v)),
            Prov("crossProviderNamespaces", OptionKind.List, "", "Namespaces from which Ingresses or Services may declare Middleware, TLSOption or ServersTransport references.", (p, v) => p.CrossProviderNamespaces = List(v)),
            Prov("disableIngressClassLookup", OptionKind.Bool, "false", "Disables the lookup of IngressClasses (deprecated: use disableClusterScopeResources).", (p, v) => p.DisableIngressClassLookup = Bool(P + "disableIngressClassLookup", v)),
            Prov("disableClusterScopeResources", OptionKind.Bool, "false", "Disables the lookup of cluster scope resources (IngressClasses, Nodes).", (p, v) => p.DisableClusterScopeResources = Bool(P + "disableClusterScopeResources", v)),
            Prov("nativeLBByDefault", OptionKind.Bool, "false", "Use the Service ClusterIP (native Kubernetes load-balancing) by default.", (p, v) => p.NativeLBByDefault = Bool(P + "nativeLBByDefault", v)),
            Prov("strictPrefixMatching", OptionKind.Bool, "false", "Make prefix matching strictly comply with the Kubernetes Ingress specification (path-element-wise).", (p, v) => p.StrictPrefixMatching = Bool(P + "strictPrefixMatching", v)),
        };
        l.AddRange(CrdProviderOptions.Specs());
        l.AddRange(FileProviderOptions.Specs());
        l.AddRange(TracingOptions.Specs());
        l.AddRange(AcmeResolverOptions.Specs());
        return l;
    }

    public static OptionSpec? Find(string dottedKey, out string wildcard)
    {
        var segs = dottedKey.ToLowerInvariant().Split('.');
        foreach (var o in All)
            if (o.TryMatch(segs, out wildcard)) return o;
        wildcard = "";
        return null;
    }

    private static int EncoderTableSize(string option, string v)
    {
        var n = Int(option, v);
        if (n != 4096) throw new ConfigException(option, $"4096 (Edge cannot size the HPACK table it encodes with), got \"{v}\"");
        return n;
    }

    private static int Positive(string option, string v)
    {
        var n = Int(option, v);
        if (n <= 0) throw new ConfigException(option, $"more than 0, got \"{v}\"");
        return n;
    }

    private static int NonNegative(string option, string v)
    {
        var n = Int(option, v);
        if (n < 0) throw new ConfigException(option, $"0 or more, got \"{v}\"");
        return n;
    }

    /// <summary>IPs and CIDRs, checked here so that a bad one stops the start with exit 2 naming the option.</summary>
    private static List<string> IpList(string option, string v)
    {
        var l = List(v);
        foreach (var s in l)
            if (!System.Net.IPAddress.TryParse(s, out _) && !System.Net.IPNetwork.TryParse(s, out _))
                throw new ConfigException(option, $"IP addresses or CIDRs, got \"{s}\"");
        return l;
    }

    /// <summary>Traefik's HTTPCodeRanges: "200" or "300-302" (inclusive), each a status code.</summary>
    private static List<(int, int)> StatusRanges(string option, string v)
    {
        var l = new List<(int, int)>();
        foreach (var item in List(v))
        {
            var parts = item.Split('-');
            if (parts.Length > 2 || !int.TryParse(parts[0], out var from) || !int.TryParse(parts[^1], out var to) || from is < 100 or > 599 || to is < 100 or > 599 || to < from)
                throw new ConfigException(option, $"status codes or ranges such as \"200\" or \"300-302\", got \"{item}\"");
            l.Add((from, to));
        }
        return l;
    }

    private static int StatusCode(string option, string v)
    {
        var n = Int(option, v);
        if (n is < 100 or > 599) throw new ConfigException(option, $"an HTTP status code (100-599), got \"{v}\"");
        return n;
    }

    private static string OneOf(string option, string v, params string[] allowed)
    {
        foreach (var a in allowed)
            if (string.Equals(a, v.Trim(), StringComparison.OrdinalIgnoreCase)) return a;
        throw new ConfigException(option, $"one of {string.Join(", ", allowed)}, got \"{v}\"");
    }

    private static List<double> Buckets(string v)
    {
        var l = new List<double>();
        foreach (var s in List(v))
        {
            if (!double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) || double.IsNaN(d))
                throw new ConfigException("metrics.prometheus.buckets", $"a comma-separated list of numbers, got \"{v}\"");
            l.Add(d);
        }
        l.Sort();
        return l;
    }

    private static string LogLevelName(string v) => OneOf("log.level", v, "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "PANIC");

    private static string PublishedService(string v)
    {
        if (v.Length > 0 && (v.Split('/').Length != 2 || v.StartsWith('/') || v.EndsWith('/')))
            throw new ConfigException(P + "ingressEndpoint.publishedService", $"namespace/name, got \"{v}\"");
        return v;
    }

    private static string LabelSelector(string v)
    {
        if (!Edge.Configuration.LabelSelector.TryParse(v, out _, out var error))
            throw new ConfigException(P + "labelSelector", $"a Kubernetes label selector ({error}), got \"{v}\"");
        return v;
    }
}
