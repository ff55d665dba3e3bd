namespace Edge.Api;

/// <summary>
/// One configuration generation as the API serves it: the raw data and the three named lists
/// (Traefik's router/service/middleware representations, with name, provider and type), in name
/// order, built once per generation so that a list request with 10,000 routers only filters.
/// The lists share their configuration objects with the raw data; nothing here is mutated after Build.
/// </summary>
public sealed class ApiSnapshot
{
    private ApiSnapshot(RawData raw)
    {
        Raw = raw;
        Routers = raw.Routers.Select(kv => Named(kv.Key, kv.Value)).ToList();
        Services = raw.Services.Select(kv => Named(kv.Key, kv.Value)).ToList();
        Middlewares = raw.Middlewares.Select(kv => Named(kv.Key, kv.Value)).ToList();
        RouterByName = Routers.ToDictionary(r => r.Name!, StringComparer.Ordinal);
        ServiceByName = Services.ToDictionary(s => s.Name!, StringComparer.Ordinal);
        MiddlewareByName = Middlewares.ToDictionary(m => m.Name!, StringComparer.Ordinal);
    }

    public RawData Raw { get; }
    public List<RouterInfo> Routers { get; }
    public List<ServiceInfo> Services { get; }
    public List<MiddlewareInfo> Middlewares { get; }
    public Dictionary<string, RouterInfo> RouterByName { get; }
    public Dictionary<string, ServiceInfo> ServiceByName { get; }
    public Dictionary<string, MiddlewareInfo> MiddlewareByName { get; }

    public static ApiSnapshot Build(RawData raw) => new(raw);

    private static RouterInfo Named(string name, RouterInfo r) => new()
    {
        EntryPoints = r.EntryPoints, Middlewares = r.Middlewares, Service = r.Service, Rule = r.Rule,
        RuleSyntax = r.RuleSyntax, Priority = r.Priority, Tls = r.Tls, Observability = r.Observability,
        Error = r.Error, Status = r.Status, Using = r.Using, Name = name, Provider = Edge.Model.ProviderNames.ProviderOf(name),
        Namespace = r.Namespace,
    };

    private static ServiceInfo Named(string name, ServiceInfo s) => new()
    {
        LoadBalancer = s.LoadBalancer, Weighted = s.Weighted, Mirroring = s.Mirroring, Failover = s.Failover,
        Middlewares = s.Middlewares, Error = s.Error, Status = s.Status,
        UsedBy = s.UsedBy, ServerStatus = s.ServerStatus, Name = name, Provider = Edge.Model.ProviderNames.ProviderOf(name),
        Type = s.LoadBalancer is not null ? "loadbalancer" : s.Weighted is not null ? "weighted"
            : s.Mirroring is not null ? "mirroring" : s.Failover is not null ? "failover" : null,
    };

    private static MiddlewareInfo Named(string name, MiddlewareInfo m) => new()
    {
        AddPrefix = m.AddPrefix, StripPrefix = m.StripPrefix, StripPrefixRegex = m.StripPrefixRegex, ReplacePath = m.ReplacePath,
        ReplacePathRegex = m.ReplacePathRegex, Chain = m.Chain, IpAllowList = m.IpAllowList, Headers = m.Headers,
        RedirectRegex = m.RedirectRegex, RedirectScheme = m.RedirectScheme, BasicAuth = m.BasicAuth, RateLimit = m.RateLimit,
        InFlightReq = m.InFlightReq, Compress = m.Compress, ForwardAuth = m.ForwardAuth, Errors = m.Errors, Retry = m.Retry,
        ContentType = m.ContentType, EncodedCharacters = m.EncodedCharacters, PassTlsClientCert = m.PassTlsClientCert,
        Buffering = m.Buffering, CircuitBreaker = m.CircuitBreaker, DigestAuth = m.DigestAuth, GrpcWeb = m.GrpcWeb,
        Error = m.Error, Status = m.Status, UsedBy = m.UsedBy,
        Name = name, Provider = Edge.Model.ProviderNames.ProviderOf(name), Type = TypeOf(m),
    };

    /// <summary>Traefik's extractType, lower-cased: the name of the one middleware field that is set.</summary>
    public static string? TypeOf(MiddlewareInfo m) =>
        m.AddPrefix is not null ? "addprefix" : m.StripPrefix is not null ? "stripprefix" : m.StripPrefixRegex is not null ? "stripprefixregex"
        : m.ReplacePath is not null ? "replacepath" : m.ReplacePathRegex is not null ? "replacepathregex" : m.Chain is not null ? "chain"
        : m.IpAllowList is not null ? "ipallowlist" : m.Headers is not null ? "headers" : m.RedirectRegex is not null ? "redirectregex"
        : m.RedirectScheme is not null ? "redirectscheme" : m.BasicAuth is not null ? "basicauth" : m.RateLimit is not null ? "ratelimit"
        : m.InFlightReq is not null ? "inflightreq" : m.Compress is not null ? "compress" : m.ForwardAuth is not null ? "forwardauth"
        : m.Errors is not null ? "errors" : m.Retry is not null ? "retry" : m.ContentType is not null ? "contenttype"
        : m.EncodedCharacters is not null ? "encodedcharacters" : m.PassTlsClientCert is not null ? "passtlsclientcert"
        : m.Buffering is not null ? "buffering" : m.CircuitBreaker is not null ? "circuitbreaker" : m.DigestAuth is not null ? "digestauth"
        : m.GrpcWeb is not null ? "grpcweb" : null;
}
