using Edge.Aggregation;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Tcp;

/// <summary>How a TCP route treats the TLS of its connections.</summary>
public enum TcpTlsMode { None, Passthrough, Terminate }

/// <summary>One served TCP router: its rule, what it does with TLS, its middlewares and its service.</summary>
public sealed record TcpRoute(string Name, TcpRule Rule, long Priority, TcpTlsMode Tls, CompiledTlsOptions? Options, TcpMiddlewareChain Chain, TcpBackend Backend)
{
    /// <summary>TLS options that could not be built: the handshake is refused (Traefik's brokenTLSRouter).</summary>
    public bool Broken => Tls == TcpTlsMode.Terminate && Options is null;
}

/// <summary>
/// One entry point's TCP routing, as Traefik's tcp.Router holds it: the non-TLS TCP routes, the TLS
/// routes (passthrough and terminated), and the server names the HTTPS routers claim (a specific
/// one wins over a TCP TLS route, a catch-all HTTPS router loses to a specific TCP TLS route).
/// </summary>
public sealed class TcpEntryPointRoutes
{
    public List<TcpRoute> Plain { get; } = new();
    public List<TcpRoute> Tls { get; } = new();
    public List<TcpRule> HttpsHosts { get; } = new();
    public bool HttpsCatchAll { get; set; }

    public bool IsEmpty => Plain.Count == 0 && Tls.Count == 0;
    public bool HasHttps => HttpsCatchAll || HttpsHosts.Count > 0;

    public static TcpRoute? Match(List<TcpRoute> routes, in TcpConnData conn)
    {
        foreach (var r in routes)
            if (r.Rule.Matches(conn)) return r;
        return null;
    }

    public bool HttpsSpecific(in TcpConnData conn)
    {
        foreach (var h in HttpsHosts)
            if (h.Matches(conn)) return true;
        return false;
    }
}

/// <summary>Every entry point's TCP routes, compiled from one configuration. Immutable.</summary>
public sealed class TcpRoutingState(IReadOnlyDictionary<string, TcpEntryPointRoutes> entryPoints, IReadOnlyDictionary<string, string> errors)
{
    public static readonly TcpRoutingState Empty = new(new Dictionary<string, TcpEntryPointRoutes>(), new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Errors { get; } = errors;

    public TcpEntryPointRoutes? For(string entryPoint) => entryPoints.GetValueOrDefault(entryPoint);

    public static TcpRoutingState Compile(DynamicConfig config, StaticConfig statics)
    {
        bool defaultV2 = statics.KubernetesIngress.DefaultRuleSyntax == "v2";
        var errors = TcpRouterCheck.Errors(config, defaultV2);
        if (config.Tcp is not { Routers.Count: > 0 } tcp) return new TcpRoutingState(new Dictionary<string, TcpEntryPointRoutes>(), errors);
        var defaults = statics.DefaultEntryPoints();
        var backends = TcpBackend.BuildAll(tcp);
        var middlewares = new Dictionary<string, ITcpMiddleware>(StringComparer.Ordinal);
        var options = new Dictionary<string, CompiledTlsOptions?>(StringComparer.Ordinal);
        var result = new Dictionary<string, TcpEntryPointRoutes>(StringComparer.OrdinalIgnoreCase);
        foreach (var ep in statics.EntryPoints.Values)
        {
            var table = new TcpEntryPointRoutes();
            foreach (var (name, r) in tcp.Routers)
            {
                if (errors.ContainsKey(name) || !On(r.EntryPoints, defaults, ep.Name)) continue;
                var rule = TcpRule.Compile(r.Rule, TcpRouterCheck.IsV2(r.RuleSyntax, defaultV2), out _)!;
                var backend = backends[ProviderNames.Resolve(r.Service, name)];
                var chain = TcpMiddlewareChain.Build(tcp, name, r.Middlewares, middlewares);
                var priority = r.Priority != 0 ? r.Priority : TcpRule.DefaultPriority(r.Rule);
                if (r.Tls is null) table.Plain.Add(new TcpRoute(name, rule, priority, TcpTlsMode.None, null, chain, backend));
                else if (r.Tls.Passthrough) table.Tls.Add(new TcpRoute(name, rule, priority, TcpTlsMode.Passthrough, null, chain, backend));
                else table.Tls.Add(new TcpRoute(name, rule, priority, TcpTlsMode.Terminate, Options(config, r.Tls.Options, name, options), chain, backend));
            }
            if (table.IsEmpty) continue;
            AddHttpsHosts(config, statics, ep, defaults, defaultV2, table);
            // Traefik's muxer order: priority, highest first (ties by name here, for a stable order).
            Comparison<TcpRoute> order = (a, b) => b.Priority != a.Priority ? b.Priority.CompareTo(a.Priority) : string.CompareOrdinal(a.Name, b.Name);
            table.Plain.Sort(order);
            table.Tls.Sort(order);
            result[ep.Name] = table;
        }
        return new TcpRoutingState(result, errors);
    }

    private static bool On(List<string>? entryPoints, IReadOnlyList<string> defaults, string ep) =>
        (entryPoints is { Count: > 0 } ? entryPoints : defaults).Any(e => string.Equals(e, ep, StringComparison.OrdinalIgnoreCase));

    /// <summary>The TLS options of a terminating route; null when they cannot be built (its handshakes are refused).</summary>
    private static CompiledTlsOptions? Options(DynamicConfig config, string? name, string router, Dictionary<string, CompiledTlsOptions?> cache)
    {
        var qualified = string.IsNullOrEmpty(name) || name == CompiledTlsOptions.DefaultName
            ? CompiledTlsOptions.DefaultName : ProviderNames.Qualify(name, ProviderNames.ProviderOf(router));
        if (cache.TryGetValue(qualified, out var done)) return done;
        var model = qualified == CompiledTlsOptions.DefaultName ? config.Tls?.Options?.GetValueOrDefault(CompiledTlsOptions.DefaultName)
            : ReferenceCheck.FindTlsOptions(config, qualified, ProviderNames.Kubernetes);
        CompiledTlsOptions? compiled = null;
        try { compiled = model is null ? CompiledTlsOptions.BuiltInDefault : new CompiledTlsOptions(qualified, model); }
        catch (FormatException e) { Log.Error("TLS options of a TCP router are invalid, its handshakes are refused", ("router", ProviderNames.Qualify(router)), ("error", e.Message)); }
        return cache[qualified] = compiled;
    }

    /// <summary>The server names the entry point's HTTPS routers claim (Traefik's ParseDomains; no Host rule: the HTTPS catch-all).</summary>
    private static void AddHttpsHosts(DynamicConfig config, StaticConfig statics, EntryPointOptions ep, IReadOnlyList<string> defaults, bool defaultV2, TcpEntryPointRoutes table)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, r) in config.Http.Routers)
        {
            if (r.DisabledReason is not null || ProviderNames.IsInternal(name) || !On(r.EntryPoints, defaults, ep.Name)) continue;
            if (r.Tls is null && !ep.HttpTls) continue;
            var parsed = RuleCache.Parse(name, r.Rule, RuleParser.ResolveSyntax(r.RuleSyntax, defaultV2 ? RuleSyntax.V2 : RuleSyntax.V3));
            var hosts = parsed.Success ? TlsOptionsCompiler.Hosts(parsed.Rule.SyntaxTree) : [];
            if (hosts.Count == 0) table.HttpsCatchAll = true;
            foreach (var h in hosts)
                if (seen.Add(h) && TcpRule.Compile($"HostSNI(`{h}`)", false, out _) is { } rule) table.HttpsHosts.Add(rule);
        }
    }
}
