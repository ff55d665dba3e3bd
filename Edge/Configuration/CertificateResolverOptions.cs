using static Edge.Configuration.OptionValues;

namespace Edge.Configuration;

/// <summary>
/// Traefik's <c>certificatesResolvers.&lt;name&gt;.acme</c> section (pkg/provider/acme Configuration) with
/// its names and defaults: Let's Encrypt's production directory, acme.json, RSA4096 keys, 90-day
/// certificates, a 2 minute client timeout and 30 s for response headers. What Edge does not
/// implement (tailscale resolvers, DNS providers other than lego's rfc2136) is refused naming the option, never ignored.
/// </summary>
public sealed class AcmeResolverOptions
{
    public const string LetsEncrypt = "https://acme-v02.api.letsencrypt.org/directory";
    public static readonly string[] KeyTypes = ["EC256", "EC384", "RSA2048", "RSA4096", "RSA8192"];

    public string Name { get; init; } = "";
    public string Email { get; set; } = "";
    public string CaServer { get; set; } = LetsEncrypt;
    public string PreferredChain { get; set; } = "";
    public string Profile { get; set; } = "";
    public List<string> EmailAddresses { get; set; } = [];
    public bool DisableCommonName { get; set; }
    public string Storage { get; set; } = "acme.json";
    public string KeyType { get; set; } = "RSA4096";
    public string EabKid { get; set; } = "";
    public string EabHmacEncoded { get; set; } = "";
    /// <summary>certificatesDuration, in hours (Traefik's unit): picks the renewal period.</summary>
    public int CertificatesDuration { get; set; } = 90 * 24;
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan ClientResponseHeaderTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan CertificateTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public List<string> CaCertificates { get; set; } = [];
    public bool CaSystemCertPool { get; set; }
    public string CaServerName { get; set; } = "";
    public bool HttpChallenge { get; set; }
    public string HttpChallengeEntryPoint { get; set; } = "";
    public TimeSpan HttpChallengeDelay { get; set; }
    public bool TlsChallenge { get; set; }
    public TimeSpan TlsChallengeDelay { get; set; }
    public bool DnsChallenge { get; set; }
    public string DnsProvider { get; set; } = "";
    public List<string> DnsResolvers { get; set; } = [];
    public TimeSpan DnsDelayBeforeChecks { get; set; }
    public bool DnsDisableChecks { get; set; }

    private const string P = "certificatesResolvers.<name>.acme.";

    public static IEnumerable<OptionSpec> Specs()
    {
        yield return new("certificatesResolvers.<name>", OptionKind.Section, "", "A certificate resolver (only acme is implemented).", (c, n, v) => { if (Bool($"certificatesResolvers.{n}", v)) c.Resolver(n); });
        yield return new("certificatesResolvers.<name>.tailscale", OptionKind.Section, "", "Not implemented: refused (Edge has no Tailscale resolver).",
            (_, n, _) => throw new ConfigException($"certificatesResolvers.{n}.tailscale", "no tailscale resolver (not implemented by Edge; use acme)"));
        yield return new("certificatesResolvers.<name>.acme", OptionKind.Section, "", "An ACME (RFC 8555) certificate resolver.", (c, n, v) => { if (Bool($"certificatesResolvers.{n}.acme", v)) c.Resolver(n); });
        yield return A("email", OptionKind.String, "", "Email address used for registration.", (a, v) => a.Email = v);
        yield return A("caServer", OptionKind.String, LetsEncrypt, "CA server to use (the ACME directory URL).", (a, v) => a.CaServer = v);
        yield return A("preferredChain", OptionKind.String, "", "Preferred chain: the alternate chain whose top issuer has this Common Name.", (a, v) => a.PreferredChain = v);
        yield return A("profile", OptionKind.String, "", "Certificate profile requested in the order (draft-aaron-acme-profiles).", (a, v) => a.Profile = v);
        yield return A("emailAddresses", OptionKind.List, "", "Email addresses put in the CSR.", (a, v) => a.EmailAddresses = List(v));
        yield return A("disableCommonName", OptionKind.Bool, "false", "Do not set the Common Name in the CSR.", (a, v) => a.DisableCommonName = Bool(a.Option("disableCommonName"), v));
        yield return A("storage", OptionKind.String, "acme.json", "File holding the account and the certificates (Traefik's acme.json format, mode 0600); Edge: `kubernetes:<namespace>` keeps them in Secrets of that namespace for several replicas (needs leaderElection.enabled; empty namespace: the Lease's).", (a, v) => a.Storage = v);
        yield return A("keyType", OptionKind.String, "RSA4096", "Certificate private key type: EC256, EC384, RSA2048, RSA4096, RSA8192.", (a, v) => a.KeyType = KeyTypeOf(a.Option("keyType"), v));
        yield return A("eab.kid", OptionKind.String, "", "External Account Binding key identifier.", (a, v) => a.EabKid = v);
        yield return A("eab.hmacEncoded", OptionKind.String, "", "External Account Binding HMAC key, base64url.", (a, v) => a.EabHmacEncoded = v);
        yield return A("certificatesDuration", OptionKind.Int, "2160", "Certificates' duration in hours: sets when they are renewed (Traefik's table).", (a, v) => a.CertificatesDuration = Int(a.Option("certificatesDuration"), v));
        yield return A("clientTimeout", OptionKind.Duration, "2m", "Timeout for a complete HTTP transaction with the ACME server.", (a, v) => a.ClientTimeout = Duration(a.Option("clientTimeout"), v));
        yield return A("clientResponseHeaderTimeout", OptionKind.Duration, "30s", "Timeout for the response headers from the ACME server.", (a, v) => a.ClientResponseHeaderTimeout = Duration(a.Option("clientResponseHeaderTimeout"), v));
        yield return A("certificateTimeout", OptionKind.Duration, "30s", "How long the finalized order may take to be issued.", (a, v) => a.CertificateTimeout = Duration(a.Option("certificateTimeout"), v));
        yield return A("caCertificates", OptionKind.List, "", "PEM files (or PEM) of CAs trusted for the ACME server's HTTPS certificate.", (a, v) => a.CaCertificates = List(v));
        yield return A("caSystemCertPool", OptionKind.Bool, "false", "Also trust the system CAs when caCertificates is set.", (a, v) => a.CaSystemCertPool = Bool(a.Option("caSystemCertPool"), v));
        yield return A("caServerName", OptionKind.String, "", "Server name checked in the ACME server's certificate (instead of the URL's host).", (a, v) => a.CaServerName = v);
        yield return A("httpChallenge", OptionKind.Section, "", "Use the HTTP-01 challenge.", (a, v) => a.HttpChallenge = Bool(a.Option("httpChallenge"), v));
        yield return A("httpChallenge.entryPoint", OptionKind.String, "", "Entry point answering /.well-known/acme-challenge/ (must exist, port 80 for a public CA).", (a, v) => { a.HttpChallenge = true; a.HttpChallengeEntryPoint = v; });
        yield return A("httpChallenge.delay", OptionKind.Duration, "0s", "Wait this long before telling the CA the challenge is ready.", (a, v) => { a.HttpChallenge = true; a.HttpChallengeDelay = Duration(a.Option("httpChallenge.delay"), v); });
        yield return A("tlsChallenge", OptionKind.Section, "", "Use the TLS-ALPN-01 challenge (answered on every TLS entry point).", (a, v) => a.TlsChallenge = Bool(a.Option("tlsChallenge"), v));
        yield return A("tlsChallenge.delay", OptionKind.Duration, "0s", "Wait this long before telling the CA the challenge is ready.", (a, v) => { a.TlsChallenge = true; a.TlsChallengeDelay = Duration(a.Option("tlsChallenge.delay"), v); });
        yield return A("dnsChallenge", OptionKind.Section, "", "Use the DNS-01 challenge (preferred when set; the only one for wildcard names).", (a, v) => a.DnsChallenge = Bool(a.Option("dnsChallenge"), v));
        yield return A("dnsChallenge.provider", OptionKind.String, "", "DNS provider (lego's name): only rfc2136 is implemented (RFC 2136 dynamic update with TSIG, configured by lego's RFC2136_* environment variables).", (a, v) => { a.DnsChallenge = true; a.DnsProvider = v.Trim(); });
        yield return A("dnsChallenge.resolvers", OptionKind.List, "", "DNS servers (ip[:port]) asked whether the TXT record is visible (default: RFC2136_NAMESERVER).", (a, v) => { a.DnsChallenge = true; a.DnsResolvers = List(v); });
        yield return A("dnsChallenge.propagation", OptionKind.Section, "", "The TXT record propagation check.", (a, _) => a.DnsChallenge = true);
        yield return A("dnsChallenge.propagation.delayBeforeChecks", OptionKind.Duration, "0s", "Wait this long after the update before checking the TXT record.", (a, v) => { a.DnsChallenge = true; a.DnsDelayBeforeChecks = Duration(a.Option("dnsChallenge.propagation.delayBeforeChecks"), v); });
        yield return A("dnsChallenge.propagation.disableChecks", OptionKind.Bool, "false", "Do not check the TXT record before telling the CA it is ready.", (a, v) => { a.DnsChallenge = true; a.DnsDisableChecks = Bool(a.Option("dnsChallenge.propagation.disableChecks"), v); });
        yield return A("dnsChallenge.propagation.disableANSChecks", OptionKind.Bool, "false", "Edge checks the resolvers (or RFC2136_NAMESERVER) only, never the authority's other nameservers: accepted, nothing more to disable.", (a, v) => { a.DnsChallenge = true; Bool(a.Option("dnsChallenge.propagation.disableANSChecks"), v); });
        yield return A("dnsChallenge.propagation.requireAllRNS", OptionKind.Bool, "false", "Edge checks every resolver listed in dnsChallenge.resolvers: accepted.", (a, v) => { a.DnsChallenge = true; Bool(a.Option("dnsChallenge.propagation.requireAllRNS"), v); });
        yield return A("dnsChallenge.delayBeforeCheck", OptionKind.Duration, "0s", "Deprecated (Traefik): dnsChallenge.propagation.delayBeforeChecks.", (a, v) => { a.DnsChallenge = true; a.DnsDelayBeforeChecks = Duration(a.Option("dnsChallenge.delayBeforeCheck"), v); });
        yield return A("dnsChallenge.disablePropagationCheck", OptionKind.Bool, "false", "Deprecated (Traefik): dnsChallenge.propagation.disableChecks.", (a, v) => { a.DnsChallenge = true; a.DnsDisableChecks = Bool(a.Option("dnsChallenge.disablePropagationCheck"), v); });
    }

    private string Option(string suffix) => $"certificatesResolvers.{Name}.acme.{suffix}";

    private static string KeyTypeOf(string option, string v)
    {
        foreach (var k in KeyTypes)
            if (string.Equals(k, v.Trim(), StringComparison.OrdinalIgnoreCase)) return k;
        throw new ConfigException(option, $"one of {string.Join(", ", KeyTypes)}, got \"{v}\"");
    }

    /// <summary>Traefik's Init checks, plus what Edge refuses instead of ignoring; run once every source is read.</summary>
    public void Validate(StaticConfig config)
    {
        if (!HttpChallenge && !TlsChallenge && !DnsChallenge)
            throw new ConfigException($"certificatesResolvers.{Name}.acme", "httpChallenge, tlsChallenge or dnsChallenge (ACME challenge not specified)");
        if (DnsChallenge && DnsProvider.Length == 0)
            throw new ConfigException(Option("dnsChallenge.provider"), "a DNS provider name: rfc2136 (the only one Edge implements)");
        if (DnsChallenge && !string.Equals(DnsProvider, "rfc2136", StringComparison.OrdinalIgnoreCase))
            throw new ConfigException(Option("dnsChallenge.provider"), $"rfc2136, the only DNS provider Edge implements, got \"{DnsProvider}\" (lego's other providers are not implemented)");
        foreach (var r in DnsResolvers)
            if (!System.Net.IPEndPoint.TryParse(r.Trim(), out _))
                throw new ConfigException(Option("dnsChallenge.resolvers"), $"IP addresses with an optional port, got \"{r}\"");
        if (HttpChallenge && HttpChallengeEntryPoint.Length == 0)
            throw new ConfigException(Option("httpChallenge.entryPoint"), "the name of an entry point (none given)");
        if (HttpChallenge && !config.EntryPoints.ContainsKey(HttpChallengeEntryPoint))
            throw new ConfigException(Option("httpChallenge.entryPoint"), $"a configured entry point, got \"{HttpChallengeEntryPoint}\" (entry points: {string.Join(", ", config.EntryPoints.Keys.Order(StringComparer.Ordinal))})");
        if (Storage.Length == 0)
            throw new ConfigException(Option("storage"), "a file name (unable to initialize ACME provider with no storage location for the certificates)");
        if (Storage.StartsWith("kubernetes:", StringComparison.OrdinalIgnoreCase))
        {
            var ns = Storage["kubernetes:".Length..].Trim();
            if (ns.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(ns, "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"))
                throw new ConfigException(Option("storage"), $"kubernetes:<namespace> with a valid namespace name, got \"{ns}\"");
            // As StaticConfig decides it: the file provider alone runs without a cluster.
            if (!config.KubernetesIngressEnabled || (config.FileProviderEnabled && !config.KubernetesIngressConfigured && !config.KubernetesCrdEnabled))
                throw new ConfigException(Option("storage"), "a file name: the Kubernetes storage needs providers.kubernetesIngress or providers.kubernetesCRD (its API server connection)");
            if (!config.LeaderElection.Enabled)
                throw new ConfigException(Option("storage"), "a file name, or kubernetes:<namespace> with leaderElection.enabled=true (only the leader orders and writes the Secrets)");
        }
        if (CertificatesDuration < 1)
            throw new ConfigException(Option("certificatesDuration"), $"at least 1 hour (cannot manage certificates with duration lower than 1 hour), got {CertificatesDuration}");
        if (ClientTimeout < ClientResponseHeaderTimeout)
            throw new ConfigException(Option("clientTimeout"), "at least clientResponseHeaderTimeout (clientTimeout must be at least clientResponseHeaderTimeout)");
        if (!Uri.TryCreate(CaServer, UriKind.Absolute, out var ca) || ca.Scheme is not ("https" or "http"))
            throw new ConfigException(Option("caServer"), $"an ACME directory URL, got \"{CaServer}\"");
        if ((EabKid.Length > 0) != (EabHmacEncoded.Length > 0))
            throw new ConfigException(Option(EabKid.Length > 0 ? "eab.hmacEncoded" : "eab.kid"), "both eab.kid and eab.hmacEncoded (External Account Binding needs both)");
        if (EabHmacEncoded.Length > 0 && !IsBase64Url(EabHmacEncoded))
            throw new ConfigException(Option("eab.hmacEncoded"), "a base64url-encoded HMAC key");
    }

    private static bool IsBase64Url(string s) => s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '=' or '+' or '/');

    private static OptionSpec A(string name, OptionKind kind, string def, string desc, Action<AcmeResolverOptions, string> apply) =>
        new(P + name, kind, def, desc, (c, n, v) => apply(c.Resolver(n), v));
}
