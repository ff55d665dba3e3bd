using Edge.Model;

namespace Edge.Api;

/// <summary>
/// Turns the applied dynamic configuration into Traefik's runtime view: names qualified with
/// <c>@kubernetes</c>, default entry points filled in, priorities computed, <c>using</c>/<c>usedBy</c>
/// and server status added. The internal provider's api/dashboard/ping objects come in the
/// configuration like every provider's (see Providers.Internal.InternalProvider).
/// </summary>
public static class RawDataBuilder
{
    public const string Provider = ProviderNames.Kubernetes;

    /// <param name="defaultEntryPoints">Traefik's defaults: every entry point except "traefik".</param>
    /// <param name="routerErrors">Errors found when compiling routes (a rule that does not parse), by router name.</param>
    /// <param name="serverStatus">The health checkers' view: a service (as stored) to its servers' UP/DOWN; null: every server UP.</param>
    public static RawData Build(DynamicConfig config, IReadOnlyList<string> defaultEntryPoints,
        IReadOnlyDictionary<string, string>? routerErrors = null, Func<string, IReadOnlyDictionary<string, string>?>? serverStatus = null,
        IReadOnlyList<string>? udpEntryPoints = null)
    {
        var raw = new RawData();
        var usedBy = new Dictionary<string, List<string>>();
        foreach (var (name, r) in config.Http.Routers)
        {
            var qualified = ProviderNames.Qualify(name, Provider);
            var eps = r.EntryPoints is { Count: > 0 } ? r.EntryPoints : defaultEntryPoints.ToList();
            var info = new RouterInfo
            {
                EntryPoints = eps,
                Middlewares = r.Middlewares,
                Service = r.Service,
                Rule = r.Rule,
                RuleSyntax = r.RuleSyntax,
                Priority = r.Priority != 0 ? r.Priority : r.Rule.Length,
                Tls = r.Tls,
                Observability = WithDefaults(r.Observability),
                Using = eps.OrderBy(e => e, StringComparer.Ordinal).ToList(),
                Namespace = r.Namespace,
            };
            if (r.DisabledReason is { } disabled)
            {
                // Tenancy kept this router out of the data plane.
                info.Status = "disabled";
                info.Error = [disabled];
            }
            else if (routerErrors is not null && routerErrors.TryGetValue(name, out var err))
            {
                info.Status = "disabled";
                info.Error = [err];
            }
            else if (!config.Http.Services.ContainsKey(ProviderNames.Resolve(r.Service, name)))
            {
                info.Status = "disabled";
                info.Error = [$"the service \"{ProviderNames.Qualify(r.Service, ProviderNames.ProviderOf(name))}\" does not exist"];
            }
            else if (r.Warning is { } warning)
            {
                // Traefik's non-critical router error: served, with a warning.
                info.Status = "warning";
                info.Error = [warning];
            }
            raw.Routers[qualified] = info;
            var serviceKey = ProviderNames.Resolve(r.Service, name);
            if (!usedBy.TryGetValue(serviceKey, out var users)) usedBy[serviceKey] = users = new();
            users.Add(qualified);
        }
        AddMiddlewares(raw, config);
        foreach (var (name, s) in config.Http.Services)
        {
            var info = new ServiceInfo
            {
                LoadBalancer = s.LoadBalancer, Weighted = s.Weighted, Mirroring = s.Mirroring, Failover = s.Failover,
                Middlewares = s.Middlewares,
                UsedBy = usedBy.TryGetValue(name, out var u) ? u.OrderBy(x => x, StringComparer.Ordinal).ToList() : null,
            };
            if (s.LoadBalancer?.Servers is { Count: > 0 } servers)
            {
                info.ServerStatus = new SortedDictionary<string, string>(StringComparer.Ordinal);
                var checkedStatus = serverStatus?.Invoke(name);
                foreach (var srv in servers) info.ServerStatus[srv.Url] = checkedStatus?.GetValueOrDefault(srv.Url) ?? "UP";
            }
            raw.Services[ProviderNames.Qualify(name, Provider)] = info;
        }
        TcpRawData.Add(raw, config, defaultEntryPoints);
        UdpRawData.Add(raw, config, udpEntryPoints ?? []);
        return raw;
    }

    /// <summary>Traefik's runtime defaults for router observability.</summary>
    private static RouterObservability WithDefaults(RouterObservability? o) => new()
    {
        AccessLogs = o?.AccessLogs ?? true,
        Metrics = o?.Metrics ?? true,
        Tracing = o?.Tracing ?? true,
        TraceVerbosity = o?.TraceVerbosity ?? "minimal",
        Metadata = o?.Metadata,
    };

    /// <summary>
    /// The configured middlewares with the routers that name them. A middleware Edge cannot serve
    /// is shown disabled with its reason; basicAuth users are never shown (Traefik shows hashes,
    /// Edge does not publish credentials, even hashed).
    /// </summary>
    private static void AddMiddlewares(RawData raw, DynamicConfig config)
    {
        var usedBy = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (name, r) in config.Http.Routers)
            foreach (var m in r.Middlewares ?? [])
            {
                var q = ProviderNames.Qualify(m, ProviderNames.ProviderOf(name));
                if (!usedBy.TryGetValue(q, out var set)) usedBy[q] = set = new(StringComparer.Ordinal);
                set.Add(ProviderNames.Qualify(name, Provider));
            }
        foreach (var (key, m) in config.Http.Middlewares)
        {
            var qualified = ProviderNames.Qualify(key, Provider);
            raw.Middlewares[qualified] = new MiddlewareInfo
            {
                AddPrefix = m.AddPrefix, StripPrefix = m.StripPrefix, StripPrefixRegex = m.StripPrefixRegex,
                ReplacePath = m.ReplacePath, ReplacePathRegex = m.ReplacePathRegex, Chain = m.Chain, IpAllowList = m.IpAllowList,
                Headers = m.Headers, RedirectRegex = m.RedirectRegex, RedirectScheme = m.RedirectScheme,
                RateLimit = m.RateLimit, InFlightReq = m.InFlightReq, Compress = m.Compress, Errors = m.Errors, Retry = m.Retry,
                Buffering = m.Buffering, CircuitBreaker = m.CircuitBreaker,
                // Users (and their hashes) are never shown, as for basicAuth (Traefik's loggable:false).
                DigestAuth = m.DigestAuth is null ? null : new DigestAuthConfig { Realm = m.DigestAuth.Realm, RemoveHeader = m.DigestAuth.RemoveHeader, HeaderField = m.DigestAuth.HeaderField },
                ContentType = m.ContentType, PassTlsClientCert = m.PassTlsClientCert, EncodedCharacters = m.EncodedCharacters, GrpcWeb = m.GrpcWeb,
                ForwardAuth = m.ForwardAuth is null ? null : PublicForwardAuth(m.ForwardAuth),
                BasicAuth = m.BasicAuth is null ? null : new BasicAuthConfig { Realm = m.BasicAuth.Realm, RemoveHeader = m.BasicAuth.RemoveHeader, HeaderField = m.BasicAuth.HeaderField },
                Status = m.Error is null ? "enabled" : "disabled",
                Error = m.Error is null ? null : [m.Error],
                UsedBy = usedBy.TryGetValue(qualified, out var u) ? u.ToList() : null,
            };
        }
    }

    /// <summary>forwardAuth as shown by the API: the TLS key is never published (Traefik's loggable:false).</summary>
    private static ForwardAuthConfig PublicForwardAuth(ForwardAuthConfig f) => new()
    {
        Address = f.Address, TrustForwardHeader = f.TrustForwardHeader, AuthResponseHeaders = f.AuthResponseHeaders,
        AuthResponseHeadersRegex = f.AuthResponseHeadersRegex, AuthRequestHeaders = f.AuthRequestHeaders,
        AddAuthCookiesToResponse = f.AddAuthCookiesToResponse, HeaderField = f.HeaderField, ForwardBody = f.ForwardBody,
        MaxBodySize = f.MaxBodySize, PreserveLocationHeader = f.PreserveLocationHeader, MaxResponseBodySize = f.MaxResponseBodySize,
        PreserveRequestMethod = f.PreserveRequestMethod, AuthSigninUrl = f.AuthSigninUrl,
        Tls = f.Tls is null ? null : new ClientTlsConfig { Ca = f.Tls.Ca, Cert = f.Tls.Cert, InsecureSkipVerify = f.Tls.InsecureSkipVerify },
    };

}
