using Edge.Aggregation;
using Edge.Api;
using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Routing;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Routing.Table;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Observability;
using Edge.Observability.Logging;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane;

/// <summary>
/// The data plane: matches a request against the current <see cref="DataPlaneState"/> and forwards
/// it. A new state is compiled off the request path when the configuration changes and swapped in
/// with one reference write; requests in flight finish on the state they started with.
/// </summary>
public sealed partial class EdgeDataPlane : IDisposable
{
    private readonly StaticConfig _config;
    private readonly BackendTransports _transports;
    private readonly HttpForwarder _forwarder;
    private readonly Services.MirroringForwarder _mirroring;
    private readonly Lazy<System.Net.Security.SslStreamCertificateContext> _defaultCert = CertificateStore.CreateDefaultLazy();
    private readonly Dictionary<string, ForwardedHeaders> _forwarded = new(StringComparer.OrdinalIgnoreCase);
    private readonly NamespaceGates _gates = new();
    private readonly bool _tenancy;
    private DataPlaneState _state;
    private readonly ProxyHandler _forwardTerminal;
    private readonly Dictionary<string, string> _entryPointTlsOptions;

    private readonly Edge.Security.Acme.ChallengeResponder? _challenges;
    private readonly HashSet<string> _httpChallengeEntryPoints;
    private readonly IReadOnlyDictionary<string, string> _unavailableResolvers;

    /// <param name="challenges">ACME challenges being validated; HTTP-01 is answered on the resolvers' httpChallenge entry points.</param>
    /// <param name="unavailableResolvers">Certificate resolvers that cannot work, with why: their routers are in error.</param>
    public EdgeDataPlane(StaticConfig config, ConfigurationStore store, ServersTransportOptions? transport = null,
        Edge.Security.Acme.ChallengeResponder? challenges = null, IReadOnlyDictionary<string, string>? unavailableResolvers = null)
    {
        _config = config;
        _challenges = challenges;
        _unavailableResolvers = unavailableResolvers ?? new Dictionary<string, string>();
        _httpChallengeEntryPoints = config.CertificatesResolvers.Values.Where(r => r.HttpChallenge).Select(r => r.HttpChallengeEntryPoint)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        _transports = new BackendTransports(transport ?? new ServersTransportOptions());
        _forwarder = new HttpForwarder(_transports);
        _mirroring = new Services.MirroringForwarder(_forwarder);
        _entryPointTlsOptions = config.EntryPoints.Values.Where(e => e.HttpTlsOptions.Length > 0)
            .ToDictionary(e => e.Name, e => e.HttpTlsOptions, StringComparer.OrdinalIgnoreCase);
        // The request's namespace feeds the tenancy metrics label and the per-namespace access log.
        _tenancy = config.KubernetesIngress.TenancyEnabled || config.AccessLog.PerNamespaceDir.Length > 0;
        foreach (var ep in config.EntryPoints.Values) _forwarded[ep.Name] = new ForwardedHeaders(ep);
        // The last step of every middleware chain: forward what the middlewares left.
        _forwardTerminal = r => ForwardAsync(r.Context, r.EntryPoint!, r.Service!, r.Observed, r.Path);
        Swap(Compile(store.Current.Config));
        store.Changed += applied => Swap(Compile(applied.Config));
    }

    /// <summary>The internal ACME router's priority under allowACMEByPass: Traefik gives it none, so its rule's length.</summary>
    internal static readonly long AcmeByPassPriority = $"PathPrefix(`{Edge.Security.Acme.ChallengeResponder.HttpPathPrefix}`)".Length;

    public DataPlaneState State => Volatile.Read(ref _state);

    /// <summary>Where the last compilation's time went, stage by stage (debug log, Edge.Bench change-cost).</summary>
    public string LastCompileStages { get; private set; } = "";

    /// <summary>Compiled services kept for reuse by the next configuration (for /debug/vars).</summary>
    public int CompiledServiceCount => _memo?.Compiled.Count ?? 0;
    public IReadOnlyDictionary<string, string> RouterErrors => State.RouterErrors;

    /// <summary>A health-checked service's servers (by configured URL) as UP or DOWN; null for a service without health check.</summary>
    public IReadOnlyDictionary<string, string>? ServerStatusOf(string service)
    {
        if (!State.Services.TryGetValue(service, out var backend) || backend.HealthCheck is null) return null;
        var status = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < backend.Servers.Length; i++) status[backend.Servers[i].ConfiguredUrl] = backend.Health.IsDown(i) ? "DOWN" : "UP";
        return status;
    }

    /// <summary>Every health-checked server of the current configuration, for traefik_service_server_up.</summary>
    public IEnumerable<(string Service, string Url, bool Up)> ServersUp()
    {
        foreach (var (name, backend) in State.Services)
        {
            if (backend.Kind != ServiceKind.LoadBalancer || backend.HealthCheck is null) continue;
            for (int i = 0; i < backend.Servers.Length; i++)
                yield return (ProviderNames.Qualify(name), backend.Servers[i].ConfiguredUrl, !backend.Health.IsDown(i));
        }
    }
    public CertificateStore Certificates => State.Certificates;

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_state))]
    private void Swap(DataPlaneState next)
    {
        var previous = Interlocked.Exchange(ref _state, next);
        // The new configuration's health checkers start, the replaced one's stop (no checker outlives its configuration).
        next.HealthChecks?.Start();
        if (!ReferenceEquals(previous?.HealthChecks, next.HealthChecks)) previous?.HealthChecks?.Dispose();
        // TLS contexts are built on first use; build them a second after a change, off the
        // request path, so that neither the start nor a handshake waits for them. A state
        // replaced within that second is skipped: only the one being served is warmed.
        _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ =>
        {
            if (ReferenceEquals(State, next)) next.Certificates.Warm();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    public async Task HandleAsync(HttpContext ctx, string entryPoint)
    {
        var state = State;
        if (!_config.EntryPoints.TryGetValue(entryPoint, out var ep) || !state.Routes.TryGetValue(entryPoint, out var routes))
        {
            await DataPlaneAnswers.NotFound(ctx);
            return;
        }
        // Traefik's ACME HTTP-01 router: before routing and redirections, on the challenge entry point;
        // with allowACMEByPass it is an ordinary router (priority = its rule's length) that user routers can outrank.
        string? challengePath = _httpChallengeEntryPoints.Count > 0 && _challenges is not null && _httpChallengeEntryPoints.Contains(entryPoint)
            && ctx.Request.Path.Value is { } p && p.StartsWith(Edge.Security.Acme.ChallengeResponder.HttpPathPrefix, StringComparison.Ordinal) ? p : null;
        if (challengePath is not null && !ep.AllowAcmeByPass)
        {
            await AnswerHttpChallengeAsync(ctx, challengePath);
            return;
        }
        var observed = ObservedRequest.Of(ctx);
        var trace = observed?.Trace;
        // Until a router is matched (a 404, a redirect), the entry point decides whether the request is traced.
        if (trace is not null) { trace.Enabled = ep.ObservabilityTracing; trace.Detailed = ep.ObservabilityTraceVerbosity == "detailed"; }
        // Content-Length with Transfer-Encoding never gets here: Http1FramingGuard answers it 400
        // on the raw bytes (Kestrel would drop the Content-Length), and HTTP/2 forbids the header.
        // With allowACMEByPass the redirection excludes the challenge path (Traefik's redirect router does).
        if (ep.RedirectTo.Length > 0 && !ctx.Request.IsHttps && challengePath is null)
        {
            DataPlaneAnswers.Redirect(_config, ctx, ep);
            return;
        }
        if (!HostSyntax.IsValid(ctx.Request.Host.Value))
        {
            Log.Debug("Request host rejected", ("entryPoint", entryPoint), ("host", ctx.Request.Host.Value));
            ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        // One path for the router and the forwarder (see RequestPath): computed once, here.
        var path = HttpContextRouteRequest.PathOf(ctx, ep.DeniedEncodings, ep.SanitizePath, out var pathError);
        if (path is null)
        {
            Log.Debug("Request path rejected", ("entryPoint", entryPoint), ("reason", pathError));
            ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var route = routes.Match(ctx, path);
        // Ties go to the challenge router: a certificate that cannot be validated is worse than a shadowed route.
        if (challengePath is not null && (route is null || route.Priority <= AcmeByPassPriority))
        {
            await AnswerHttpChallengeAsync(ctx, challengePath);
            return;
        }
        if (route is null)
        {
            await DataPlaneAnswers.NotFound(ctx);
            return;
        }
        // Traefik's snicheck: a TLS request whose router wants other TLS options than the ones its
        // connection was accepted with (the SNI named another host) is misdirected.
        if (ctx.Request.IsHttps && state.TlsOptions.TryGetValue(entryPoint, out var tlsTable) && tlsTable.HasNonDefault
            && tlsTable.RouterOptions.TryGetValue(route.Name, out var wanted)
            && ctx.Features.Get<TlsSniffingMiddleware.TlsOptionsFeature>() is { } used && used.Name != wanted)
        {
            Log.Debug("TLS options difference between SNI and Host", ("router", route.QualifiedName), ("sniOptions", used.Name), ("hostOptions", wanted));
            ctx.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            await ctx.Response.WriteAsync("Misdirected Request\n");
            return;
        }
        if (observed is not null)
        {
            observed.Router = route.QualifiedName;
            observed.Service = route.QualifiedService;
            if (_tenancy) observed.Namespace = route.Namespace;
            observed.AccessLogs = route.AccessLogs ?? ep.ObservabilityAccessLogs;
            observed.Metrics = route.Metrics ?? ep.ObservabilityMetrics;
        }
        if (trace is not null)
        {
            trace.Enabled = route.Tracing ?? ep.ObservabilityTracing;
            trace.Detailed = route.Detailed ?? trace.Detailed;
            if (trace is { Enabled: true, Detailed: true })
            {
                // Traefik's Router span (detailed verbosity) covers the middlewares and the service.
                var scope = trace.Open("Router");
                scope.Span?.Set("traefik.service.name", route.QualifiedService).Set("traefik.router.name", route.QualifiedName).Set("http.route", route.Rule.Text);
                try { await ServeRouteAsync(ctx, state, ep, route, observed, path); }
                finally { trace.Close(scope); }
                return;
            }
        }
        await ServeRouteAsync(ctx, state, ep, route, observed, path);
    }

    private async Task AnswerHttpChallengeAsync(HttpContext ctx, string path)
    {
        var host = ctx.Request.Host.Host;
        var answer = _challenges!.HttpAnswer(path, host);
        if (answer is null)
        {
            Log.Debug("Cannot retrieve the ACME challenge", ("domain", host), ("path", path));
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        Log.Debug("Answering the HTTP-01 challenge", ("domain", host));
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = "text/plain";
        await ctx.Response.WriteAsync(answer);
    }

    private async Task ServeRouteAsync(HttpContext ctx, DataPlaneState state, EntryPointOptions ep, RouteEntry route, ObservedRequest? observed, RequestPath path)
    {
        if (!state.Services.TryGetValue(route.ServiceKey, out var service))
        {
            await DataPlaneAnswers.NotFound(ctx);
            return;
        }
        NamespaceGate? gate = null;
        if (state.Gates.Count > 0 && route.Namespace is { } ns && state.Gates.TryGetValue(ns, out gate))
        {
            var verdict = gate.TryEnter();
            if (verdict != NamespaceGate.Verdict.Admitted)
            {
                await DataPlaneAnswers.Refuse(ctx, verdict);
                return;
            }
        }
        ProxyHandler? chain = null;
        if (state.Chains.Count > 0) state.Chains.TryGetValue(route.Name, out chain);
        if (gate is null)
        {
            await (chain is null ? ForwardAsync(ctx, ep, service, observed, path) : RunChain(chain, ctx, ep, service, observed, path));
            return;
        }
        try
        {
            await (chain is null ? ForwardAsync(ctx, ep, service, observed, path) : RunChain(chain, ctx, ep, service, observed, path));
        }
        finally
        {
            gate.Exit();
        }
    }

    private Task RunChain(ProxyHandler chain, HttpContext ctx, EntryPointOptions ep, BackendService service, ObservedRequest? observed, RequestPath path) =>
        chain(new ProxyRequest(ctx, path) { EntryPoint = ep, Service = service, Observed = observed, Forwarded = _forwarded[ep.Name] });

    private async Task ForwardAsync(HttpContext ctx, EntryPointOptions ep, BackendService service, ObservedRequest? observed, RequestPath path, int depth = 0)
    {
        if (service.IsWeighted)
        {
            if (service.Leaf(ctx) is not { } leaf)
            {
                // Every child down (healthCheck: {}) or none: Traefik's wrr answers 503 "no available server".
                ForwarderErrors.Report(ctx, ForwarderError.NoServer, false, null, service.Name, null);
                return;
            }
            service = leaf;
        }
        // Services of services answer through their children (ReferenceCheck refused loops; the depth is a second guard).
        if (service.Kind is ServiceKind.Mirroring or ServiceKind.Failover && depth < 16)
        {
            Func<BackendService, Task> serve = child => ForwardAsync(ctx, ep, child, observed, path, depth + 1);
            await (service.Kind == ServiceKind.Failover
                ? Services.FailoverForwarder.ServeAsync(ctx, service, serve)
                : _mirroring.ServeAsync(ctx, service, serve, _forwarded[ep.Name], path));
            return;
        }
        var server = service.Pick(ctx, out var setCookie);
        if (server is null)
        {
            // allowEmptyServices: the service exists without servers.
            ForwarderErrors.Report(ctx, ForwarderError.NoServer, false, null, service.Name, null);
            return;
        }
        if (setCookie) ctx.Items[HttpForwarder.StickyKey] = true;
        if (observed is null)
        {
            await _forwarder.ForwardAsync(ctx, service, server, _forwarded[ep.Name], path);
            return;
        }
        observed.ServerUrl = server.Url;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        if (observed.Trace is { Enabled: true } trace) await TracedForwardAsync(ctx, trace, service, server, ep, path);
        else await _forwarder.ForwardAsync(ctx, service, server, _forwarded[ep.Name], path);
        observed.OriginTicks = System.Diagnostics.Stopwatch.GetTimestamp() - start;
        observed.OriginStatus = ctx.Response.StatusCode;
    }

    /// <summary>Traefik's Service span (detailed verbosity) and ReverseProxy client span around one forward.</summary>
    private async Task TracedForwardAsync(HttpContext ctx, Edge.Observability.Tracing.RequestTrace trace, BackendService service, BackendServer server, EntryPointOptions ep, RequestPath path)
    {
        Edge.Observability.Tracing.SpanScope? serviceScope = null;
        if (trace.Detailed)
        {
            serviceScope = trace.Open("Service");
            serviceScope.Value.Span?.Set("traefik.service.name", ProviderNames.Qualify(service.Name));
        }
        var client = trace.OpenClient(ctx, server.Url, service.H2c);
        try { await _forwarder.ForwardAsync(ctx, service, server, _forwarded[ep.Name], path); }
        finally
        {
            trace.CloseClient(ctx, client);
            if (serviceScope is { } s) trace.Close(s);
        }
    }

    /// <summary>A namespace over its limit: refused at once, with a hint for well-behaved clients.</summary>
    public void Dispose()
    {
        State.HealthChecks?.Dispose();
        _transports.Dispose();
    }
}
