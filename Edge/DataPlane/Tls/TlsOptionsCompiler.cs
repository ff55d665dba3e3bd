using Edge.Aggregation;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Tls;

/// <summary>
/// Compiles the configuration's TLS options into each entry point's SNI table, with Traefik's
/// rules: a router's options are its own <c>tls.options</c>, else its entry point's
/// <c>http.tls.options</c>, else "default"; a host served under two different options on one entry
/// point, or a router with non-default options and no Host in its rule, falls back to the default
/// options (Traefik's resolveHTTPTLSOptions, logged); options that do not compile put their routers
/// in error and refuse the handshakes of their hosts.
/// </summary>
public static class TlsOptionsCompiler
{
    public static Dictionary<string, EntryPointTlsOptions> Compile(DynamicConfig config, StaticConfig statics,
        IReadOnlyDictionary<string, Router> servedRouters, RuleSyntax defaultSyntax, Dictionary<string, string> errors, string provider)
    {
        var compiled = new Dictionary<string, CompiledTlsOptions?>(StringComparer.Ordinal);
        CompiledTlsOptions? Get(string qualified, out string? error)
        {
            error = null;
            if (compiled.TryGetValue(qualified, out var c)) return c;
            var model = qualified == CompiledTlsOptions.DefaultName
                ? config.Tls?.Options?.GetValueOrDefault(CompiledTlsOptions.DefaultName)
                : ReferenceCheck.FindTlsOptions(config, qualified, provider);
            try { c = model is null ? (qualified == CompiledTlsOptions.DefaultName ? CompiledTlsOptions.BuiltInDefault : null) : new CompiledTlsOptions(qualified, model); }
            catch (FormatException e) { error = $"invalid TLS options {qualified}: {e.Message}"; c = null; }
            compiled[qualified] = c;
            return c;
        }

        var defaultOptions = Get(CompiledTlsOptions.DefaultName, out var defaultError);
        if (defaultError is not null) Log.Error("The default TLS options are invalid, TLS handshakes that use them are refused", ("error", defaultError));
        var defaults = statics.DefaultEntryPoints();
        var result = new Dictionary<string, EntryPointTlsOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var ep in statics.EntryPoints.Values)
        {
            var table = new EntryPointTlsOptions(defaultOptions);
            var byHost = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.OrdinalIgnoreCase);
            var domains = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, r) in servedRouters)
            {
                if (ProviderNames.IsInternal(name)) continue;
                var eps = r.EntryPoints is { Count: > 0 } ? (IReadOnlyList<string>)r.EntryPoints : defaults;
                if (!eps.Any(e => string.Equals(e, ep.Name, StringComparison.OrdinalIgnoreCase))) continue;
                string? options;
                if (r.Tls is { } tls) options = tls.Options;
                else if (ep.HttpTls) options = ep.HttpTlsOptions;
                else continue;   // not a TLS router
                var qualified = string.IsNullOrEmpty(options) || options == CompiledTlsOptions.DefaultName
                    ? CompiledTlsOptions.DefaultName : ProviderNames.Qualify(options, ProviderNames.ProviderOf(name, provider));
                var parsed = RuleCache.Parse(name, r.Rule, RuleParser.ResolveSyntax(r.RuleSyntax, defaultSyntax));
                var hosts = parsed.Success ? Hosts(parsed.Rule.SyntaxTree) : [];
                resolved[name] = qualified;
                domains[name] = hosts;
                if (hosts.Count == 0 && qualified != CompiledTlsOptions.DefaultName)
                {
                    Log.Warn("No domain found in rule, the TLS options cannot be applied", ("router", ProviderNames.Qualify(name, provider)), ("tlsOptions", qualified));
                    resolved[name] = CompiledTlsOptions.DefaultName;
                }
                foreach (var h in hosts)
                {
                    if (!byHost.TryGetValue(h, out var groups)) byHost[h] = groups = new(StringComparer.Ordinal);
                    if (!groups.TryGetValue(resolved[name], out var list)) groups[resolved[name]] = list = new();
                    list.Add(name);
                }
            }
            foreach (var (host, groups) in byHost)
            {
                if (groups.Count < 2) continue;
                var conflicting = groups.Values.SelectMany(l => l).OrderBy(n => n, StringComparer.Ordinal).ToList();
                Log.Error("Host is served by multiple routers with different TLS options, default TLS options will be applied for them",
                    ("entryPoint", ep.Name), ("host", host), ("routers", string.Join(",", conflicting.Select(n => ProviderNames.Qualify(n, provider)))));
                foreach (var n in conflicting) resolved[n] = CompiledTlsOptions.DefaultName;
            }
            foreach (var (name, qualified) in resolved.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var options = Get(qualified, out var error);
                if (error is not null) errors.TryAdd(name, error);
                table.RouterOptions[name] = qualified;
                if (qualified != CompiledTlsOptions.DefaultName) table.HasNonDefault = true;
                foreach (var h in domains[name]) table.Add(h, options);
            }
            result[ep.Name] = table;
        }
        return result;
    }

    /// <summary>The Host (and v2 HostHeader) names of a rule, lower case, outside any negation (Traefik's ParseDomains).</summary>
    public static List<string> Hosts(RuleNode node)
    {
        var hosts = new List<string>();
        Walk(node, hosts);
        return hosts;

        static void Walk(RuleNode n, List<string> acc)
        {
            switch (n.Kind)
            {
                case RuleNodeKind.Not: return;
                case RuleNodeKind.Matcher:
                    if (n.Name is "Host" or "HostHeader")
                        foreach (var a in n.Args) acc.Add(a.ToLowerInvariant());
                    return;
                default:
                    if (n.Left is not null) Walk(n.Left, acc);
                    if (n.Right is not null) Walk(n.Right, acc);
                    return;
            }
        }
    }
}
