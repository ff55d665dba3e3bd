namespace Edge.Configuration;

/// <summary>
/// Edge's static configuration, shaped like Traefik's (entryPoints, api, ping, log, providers).
/// Built by <see cref="ConfigLoader"/> from flags, a TOML file and the environment.
/// </summary>
public sealed class StaticConfig
{
    /// <summary>Entry points by name, in declaration order. Names compare case-insensitively like flags.</summary>
    public Dictionary<string, EntryPointOptions> EntryPoints { get; } = new(StringComparer.OrdinalIgnoreCase);
    public ApiOptions Api { get; } = new();
    public PingOptions Ping { get; } = new();
    public LogOptions Log { get; } = new();
    public AccessLogOptions AccessLog { get; } = new();
    public MetricsOptions Metrics { get; } = new();
    public TracingOptions Tracing { get; } = new();
    public ServersTransportOptions ServersTransport { get; } = new();
    /// <summary>Whether the Kubernetes Ingress provider runs (on unless --providers.kubernetesingress=false).</summary>
    public bool KubernetesIngressEnabled { get; set; } = true;
    public ProviderOptions KubernetesIngress { get; } = new();
    /// <summary>Whether Traefik's Kubernetes CRD provider runs (--providers.kubernetescrd).</summary>
    public bool KubernetesCrdEnabled { get; set; }
    public CrdProviderOptions KubernetesCrd { get; } = new();
    /// <summary>Whether any providers.kubernetesIngress option was given (the provider is then on unless set to false).</summary>
    public bool KubernetesIngressConfigured { get; set; }
    /// <summary>Whether Traefik's file provider runs (--providers.file.*).</summary>
    public bool FileProviderEnabled { get; set; }
    public FileProviderOptions FileProvider { get; } = new();
    public LeaderElectionOptions LeaderElection { get; } = new();
    /// <summary>certificatesResolvers by name (case-insensitive, like the flags that name them).</summary>
    public Dictionary<string, AcmeResolverOptions> CertificatesResolvers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public AcmeResolverOptions Resolver(string name)
    {
        if (!CertificatesResolvers.TryGetValue(name, out var r))
            CertificatesResolvers[name] = r = new AcmeResolverOptions { Name = name };
        return r;
    }
    /// <summary>providers.providersThrottleDuration: minimum time between two applied configurations.</summary>
    public TimeSpan ProvidersThrottleDuration { get; set; } = TimeSpan.FromSeconds(2);
    public string? ConfigFile { get; set; }

    /// <summary>
    /// The entry points a router without <c>entryPoints</c> listens on, computed once for every
    /// stage (Traefik's getDefaultsEntrypoints): those marked <c>asDefault</c> if any is, otherwise
    /// all; never "traefik" (the API's own) nor a UDP entry point; sorted.
    /// </summary>
    public IReadOnlyList<string> DefaultEntryPoints()
    {
        bool anyMarked = EntryPoints.Values.Any(e => e.AsDefault);
        return EntryPoints.Values
            .Where(e => !anyMarked || e.AsDefault)
            .Where(e => !e.Name.Equals(InternalEntryPoint, StringComparison.OrdinalIgnoreCase))
            .Where(e => !e.Address.EndsWith("/udp", StringComparison.OrdinalIgnoreCase))
            .Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Traefik's DefaultInternalEntryPointName: where the API, dashboard, ping and metrics are served.</summary>
    public const string InternalEntryPoint = "traefik";

    public EntryPointOptions EntryPoint(string name)
    {
        if (!EntryPoints.TryGetValue(name, out var ep))
            EntryPoints[name] = ep = new EntryPointOptions { Name = name };
        return ep;
    }

    /// <summary>Traefik's defaults applied after every source is read.</summary>
    /// <summary>global.notAppendXForwardedFor: no entry point appends the client address to X-Forwarded-For.</summary>
    public bool NotAppendXForwardedFor { get; set; }

    public void ApplyDefaults()
    {
        // Traefik creates an "http" entry point on :80 when none is configured.
        if (EntryPoints.Count == 0)
            EntryPoint("http").Address = ":80";
        // The API, dashboard and ping live on the "traefik" entry point (:8080) unless it is defined.
        if ((Api.Enabled && Api.Insecure) || (Ping.Enabled && Ping.EntryPoint == InternalEntryPoint) || (Metrics.PrometheusEnabled && !Metrics.ManualRouting && Metrics.PrometheusEntryPoint == InternalEntryPoint))
        {
            var ep = EntryPoint(InternalEntryPoint);
            if (string.IsNullOrEmpty(ep.Address)) ep.Address = ":8080";
        }
        Metrics.Validate();
        if (Tracing.Enabled) Tracing.ExportUri();   // a bad collector address stops the start, naming the option
        var le = LeaderElection;
        if (le.Enabled && !(le.RetryPeriod > TimeSpan.Zero && le.RetryPeriod < le.RenewDeadline && le.RenewDeadline < le.LeaseDuration))
            throw new ConfigException("leaderElection", $"retryPeriod < renewDeadline < leaseDuration, got {le.RetryPeriod.TotalSeconds}s, {le.RenewDeadline.TotalSeconds}s, {le.LeaseDuration.TotalSeconds}s");
        foreach (var ep in EntryPoints.Values)
        {
            if (string.IsNullOrEmpty(ep.Address))
                throw new ConfigException($"entryPoints.{ep.Name}.address", "an address such as \":80\" (entry point has none)");
            // global.notAppendXForwardedFor is every entry point's default (Traefik's SetEffectiveConfiguration).
            if (NotAppendXForwardedFor) ep.NotAppendXForwardedFor = true;
        }
        foreach (var resolver in CertificatesResolvers.Values) resolver.Validate(this);
        foreach (var ep in EntryPoints.Values)
            foreach (var (d, i) in ep.HttpTlsDomains.Select((d, i) => (d, i)))
                if (d.Main.Length == 0)
                    throw new ConfigException($"entryPoints.{ep.Name}.http.tls.domains[{i}].main", "a domain name (domains need a main)");
        if (KubernetesIngress.ReportNodeInternalIPs && KubernetesIngress.HasIngressEndpoint)
            throw new ConfigException("providers.kubernetesIngress.reportNodeInternalIPs", "not both reportNodeInternalIPs and ingressEndpoint (mutually exclusive)");
        if (KubernetesIngress.ReportNodeInternalIPs && KubernetesIngress.DisableClusterScopeResources)
            throw new ConfigException("providers.kubernetesIngress.reportNodeInternalIPs", "not both reportNodeInternalIPs and disableClusterScopeResources (mutually exclusive)");
        if (FileProviderEnabled)
        {
            FileProvider.Validate();
            // Traefik runs only the providers it is given: with the file provider and no Kubernetes
            // option, Edge runs without a cluster (a bare binary on a VM), needing no kubeconfig.
            if (!KubernetesIngressConfigured && !KubernetesCrdEnabled) KubernetesIngressEnabled = false;
        }
        if (KubernetesCrdEnabled)
        {
            // One API-server connection serves both Kubernetes providers: the CRD provider's
            // settings fill in what the Ingress provider's leave unset.
            var k = KubernetesIngress;
            if (k.Endpoint.Length == 0) k.Endpoint = KubernetesCrd.Endpoint;
            if (k.Token.Length == 0) k.Token = KubernetesCrd.Token;
            if (k.CertAuthFilePath.Length == 0) k.CertAuthFilePath = KubernetesCrd.CertAuthFilePath;
            KubernetesCrd.Tenancy = k.TenancyEnabled ? k.Tenancy : null;
        }
    }
}

public sealed class EntryPointOptions
{
    public string Name { get; init; } = "";
    public string Address { get; set; } = "";
    /// <summary>entryPoints.&lt;name&gt;.asDefault: a router without entryPoints listens here (see StaticConfig.DefaultEntryPoints).</summary>
    public bool AsDefault { get; set; }
    public bool HttpTls { get; set; }
    /// <summary>entryPoints.&lt;name&gt;.http.tls.options: the TLS options of this entry point's routers that have no TLS section of their own.</summary>
    public string HttpTlsOptions { get; set; } = "";
    /// <summary>entryPoints.&lt;name&gt;.http.tls.certResolver / domains: the resolver (and domains) of this entry point's routers that have no TLS section.</summary>
    public string HttpTlsCertResolver { get; set; } = "";
    public List<EntryPointDomain> HttpTlsDomains { get; } = new();

    public EntryPointDomain HttpTlsDomain(int index)
    {
        while (HttpTlsDomains.Count <= index) HttpTlsDomains.Add(new EntryPointDomain());
        return HttpTlsDomains[index];
    }
    public string RedirectTo { get; set; } = "";
    public string RedirectScheme { get; set; } = "https";
    public bool RedirectPermanent { get; set; } = true;
    public List<string> ForwardedHeadersTrustedIPs { get; set; } = new();
    public bool ForwardedHeadersInsecure { get; set; }
    /// <summary>forwardedHeaders.connection: Connection-listed headers kept through the middleware chain.</summary>
    public List<string> ForwardedHeadersConnection { get; set; } = new();
    public bool NotAppendXForwardedFor { get; set; }
    public bool AddXForwardedSchemeHeaders { get; set; }
    /// <summary>
    /// http.maxHeaderBytes: request line plus headers; 0 = Edge's default, Kestrel's 8 KiB request
    /// line and 32 KiB of headers (stricter than Traefik's 1 MiB, on purpose: see README).
    /// </summary>
    public int MaxHeaderBytes { get; set; }
    public int Http2MaxConcurrentStreams { get; set; } = 250;
    public int Http2MaxDecoderHeaderTableSize { get; set; } = 4096;
    public int Http2MaxEncoderHeaderTableSize { get; set; } = 4096;
    /// <summary>transport.keepAliveMaxRequests / keepAliveMaxTime: 0 = no limit.</summary>
    public int KeepAliveMaxRequests { get; set; }
    public TimeSpan KeepAliveMaxTime { get; set; }
    public bool ReusePort { get; set; }
    /// <summary>entryPoints.&lt;name&gt;.udp.timeout: idle time after which a UDP session is closed (Traefik's default 3s).</summary>
    public TimeSpan UdpTimeout { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>An address ending in "/udp": Edge serves the entry point's UDP routers there, not HTTP.</summary>
    public bool IsUdp => EntryPointAddress.IsUdp(Address);
    /// <summary>proxyProtocol.trustedIPs / insecure: the PROXY protocol header is read when either is set.</summary>
    public List<string> ProxyProtocolTrustedIPs { get; set; } = new();
    public bool ProxyProtocolInsecure { get; set; }
    /// <summary>observability.*: the default for routers on this entry point that set none (Traefik's entry point model).</summary>
    public bool ObservabilityAccessLogs { get; set; } = true;
    public bool ObservabilityMetrics { get; set; } = true;
    public bool ObservabilityTracing { get; set; } = true;
    public string ObservabilityTraceVerbosity { get; set; } = "minimal";
    public bool ProxyProtocolEnabled => ProxyProtocolInsecure || ProxyProtocolTrustedIPs.Count > 0;
    public TimeSpan RequestAcceptGraceTimeout { get; set; } = TimeSpan.Zero;
    public TimeSpan GraceTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.Zero;
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(180);
    /// <summary>http.encodedCharacters.allow*: the encoded characters still rejected (all seven by default).</summary>
    public DeniedEncodings DeniedEncodings { get; set; } = DeniedEncodings.All;
    /// <summary>http.sanitizePath: remove dot segments and duplicate slashes (Traefik's default: on).</summary>
    public bool SanitizePath { get; set; } = true;
    /// <summary>allowACMEByPass: user routers may answer ACME HTTP-01 challenges here (the internal challenge router loses its top priority).</summary>
    public bool AllowAcmeByPass { get; set; }
}

/// <summary>One of entryPoints.&lt;name&gt;.http.tls.domains: a certificate's main name and its SANs.</summary>
public sealed class EntryPointDomain
{
    public string Main { get; set; } = "";
    public List<string> Sans { get; set; } = new();
}

public sealed class ApiOptions
{
    public bool Enabled { get; set; }
    public bool Insecure { get; set; }
    public bool Dashboard { get; set; } = true;
    /// <summary>api.debug: /debug/vars on the API (Traefik also serves pprof there; Edge has no equivalent).</summary>
    public bool Debug { get; set; }
}

public sealed class PingOptions
{
    public bool Enabled { get; set; }
    public string EntryPoint { get; set; } = "traefik";
    /// <summary>ping.terminatingStatusCode: what /ping answers during shutdown (Traefik: 503).</summary>
    public int TerminatingStatusCode { get; set; } = 503;
    /// <summary>Edge's own ping.waitForConfiguration: 503 until every provider's first configuration is served.</summary>
    public bool WaitForConfiguration { get; set; } = true;
}

public sealed class LogOptions
{
    public string Level { get; set; } = "ERROR";
    public string Format { get; set; } = "common";
    /// <summary>log.filePath: the process log goes to this file (rotated by size) instead of stdout.</summary>
    public string FilePath { get; set; } = "";
    public int MaxSize { get; set; }
    public int MaxBackups { get; set; }
    public int MaxAge { get; set; }
    public bool Compress { get; set; }
}

public sealed class AccessLogOptions
{
    public bool Enabled { get; set; }
    public string FilePath { get; set; } = "";
    /// <summary>accessLog.perNamespaceDir: a routed request's line goes to DIR/&lt;namespace&gt;.log instead of the main log.</summary>
    public string PerNamespaceDir { get; set; } = "";
    public string Format { get; set; } = "common";
    public int BufferingSize { get; set; }
    public string FieldsDefaultMode { get; set; } = "keep";
    /// <summary>Field name (as written, case-insensitive) to keep/drop.</summary>
    public Dictionary<string, string> FieldNames { get; } = new(StringComparer.OrdinalIgnoreCase);
    public string HeadersDefaultMode { get; set; } = "drop";
    public Dictionary<string, string> HeaderNames { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>accessLog.addInternals: log requests served by internal routers (ping, api, dashboard, metrics); Traefik's default is not to.</summary>
    public bool AddInternals { get; set; }
    /// <summary>accessLog.filters.statusCodes as inclusive ranges; empty = no status filter.</summary>
    public List<(int From, int To)> FilterStatusCodes { get; set; } = new();
    public bool FilterRetryAttempts { get; set; }
    public TimeSpan FilterMinDuration { get; set; }
}

public sealed class MetricsOptions
{
    public List<double> PrometheusBuckets { get; set; } = [0.1, 0.3, 1.2, 5.0];
    public bool AddEntryPointsLabels { get; set; } = true;
    public bool AddRoutersLabels { get; set; }
    public bool AddServicesLabels { get; set; } = true;
    public bool ManualRouting { get; set; }
    public bool PrometheusEnabled { get; set; }
    public string PrometheusEntryPoint { get; set; } = "traefik";
    /// <summary>metrics.prometheus.headerLabels: label name to the request header that fills it (*_requests_total only).</summary>
    public Dictionary<string, string> HeaderLabels { get; set; } = new(StringComparer.Ordinal);

    private static readonly HashSet<string> OwnLabels = new(StringComparer.Ordinal)
        { "code", "method", "protocol", "entrypoint", "router", "service", "namespace", "le" };

    /// <summary>
    /// Traefik lets a bad header label through and then serves no metrics at all (Prometheus's
    /// registry refuses the family); Edge refuses it at start instead, naming the option.
    /// </summary>
    public void Validate()
    {
        foreach (var label in HeaderLabels.Keys)
        {
            if (!IsLabelName(label))
                throw new ConfigException("metrics.prometheus.headerLabels." + label, "a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
            if (OwnLabels.Contains(label))
                throw new ConfigException("metrics.prometheus.headerLabels." + label, $"a label name other than Traefik's own \"{label}\"");
        }
    }

    private static bool IsLabelName(string name)
    {
        if (name.Length == 0 || name.StartsWith("__", StringComparison.Ordinal)) return false;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (i > 0 && c is >= '0' and <= '9'))) return false;
        }
        return true;
    }
    /// <summary>metrics.addInternals: count requests served by internal routers; Traefik's default is not to.</summary>
    public bool AddInternals { get; set; }
}

/// <summary>A configuration error: names the option and what it expected (exit code 2).</summary>
public sealed class ConfigException(string option, string expected)
    : Exception($"invalid option {option}: expected {expected}")
{
    public string Option { get; } = option;
}
