using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress.Tenancy;
using Edge.Tenancy;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Ingress;

/// <summary>What a translation produced.</summary>
public sealed record TranslationResult(DynamicConfig Config, IReadOnlyList<TranslationIssue> Issues, IReadOnlyList<V1Ingress> Processed)
{
    /// <summary>Tenancy mode: what to tell each affected Ingress's namespace through a Kubernetes Event.</summary>
    public IReadOnlyList<IngressWarning> Warnings { get; init; } = [];
}

/// <summary>
/// Traefik's Kubernetes Ingress provider (loadConfigurationFromIngresses) as a pure function from a
/// cluster snapshot and the provider options to a dynamic configuration. No I/O and no logging:
/// every object that is skipped comes back as a <see cref="TranslationIssue"/> naming it.
/// </summary>
public static class IngressTranslator
{
    private const string IngressClassAnnotation = "kubernetes.io/ingress.class";
    private const string DefaultClass = "traefik";
    private const string Controller = "traefik.io/ingress-controller";
    private const string NotAName = "not a valid host name (an RFC 1123 subdomain, optionally prefixed by \"*.\"), as the API server would have refused it";

    public static TranslationResult Translate(ClusterSnapshot snapshot, ProviderOptions options, TranslationMemo? memo = null)
    {
        var conf = new DynamicConfig();
        var issues = new List<TranslationIssue>();
        var processed = new List<V1Ingress>();
        var warnings = new List<IngressWarning>();
        var catchAllNamespaces = new HashSet<string>(options.Tenancy.DefaultBackendNamespaces, StringComparer.Ordinal);

        HashSet<string>? classNames = null;
        if (!options.DisableIngressClassLookup && !options.DisableClusterScopeResources)
        {
            classNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var ic in snapshot.IngressClasses)
            {
                if (ic.Spec?.Controller != Controller) continue;
                if (options.IngressClass.Length > 0 && ic.Metadata?.Name != options.IngressClass) continue;
                if (ic.Metadata?.Name is { } n) classNames.Add(n);
            }
        }
        memo?.Begin(snapshot, classNames);

        var certificates = new SortedDictionary<string, CertAndStores>(StringComparer.Ordinal);
        foreach (var ingress in snapshot.Ingresses)
        {
            if (!ShouldProcess(ingress, classNames, options)) continue;
            processed.Add(ingress);
            var ns = ingress.Metadata?.NamespaceProperty ?? "default";
            var fragment = memo is null
                ? TranslateIngress(snapshot, options, ingress, ns)
                : memo.GetOrTranslate(snapshot, ingress, ns, (s, i, n) => TranslateIngress(s, options, i, n));
            Merge(conf, snapshot, options, fragment, ns, certificates, issues, warnings, catchAllNamespaces);
        }
        memo?.End();

        if (certificates.Count > 0) conf.Tls = new TlsConfig { Certificates = certificates.Values.ToList() };
        if (options.TenancyEnabled)
        {
            // A new configuration, never an edit: the fragments' routers and certificates are the
            // memo's, and the next translation hands them out again.
            var tenancy = TenancyPolicy.Apply(conf, processed, snapshot, options);
            conf = tenancy.Config;
            issues.AddRange(tenancy.Issues);
            warnings.AddRange(tenancy.Warnings);
        }
        return new TranslationResult(conf, issues, processed) { Warnings = warnings };
    }

    /// <summary>One Ingress on its own (see <see cref="IngressFragment"/>): no state shared with other Ingresses.</summary>
    private static IngressFragment TranslateIngress(ClusterSnapshot snapshot, ProviderOptions options, V1Ingress ingress, string ns)
    {
        var name = ingress.Metadata?.Name ?? "";
        var f = new IngressFragment { Ingress = ingress };
        var issues = f.IssuesBefore;
        void Issue(string message) => issues.Add(new TranslationIssue("Ingress", ns, name, message));

        RouterAnnotations? rtConfig;
        try { rtConfig = IngressAnnotations.ParseRouter(ingress.Metadata?.Annotations); }
        catch (AnnotationException e) { Issue("Failed to parse annotations: " + e.Message); f.Skipped = true; return f; }
        // Defence in depth: a parser bug on one Ingress must skip that Ingress, not freeze everyone's configuration.
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { Issue("Failed to parse annotations: " + e.Message); f.Skipped = true; return f; }
        f.RouterConfig = rtConfig;

        if (rtConfig is not null && options.CrossProviderNamespaces is not null && !options.CrossProviderNamespaces.Contains(ns))
        {
            if (rtConfig.Middlewares is { Count: > 0 }) { Issue($"Skipping Ingress: cross-provider middleware reference is not allowed from namespace \"{ns}\""); f.Skipped = true; return f; }
            if (!string.IsNullOrEmpty(rtConfig.Tls?.Options)) { Issue($"Skipping Ingress: cross-provider TLS option reference is not allowed from namespace \"{ns}\""); f.Skipped = true; return f; }
        }

        var certificates = new SortedDictionary<string, CertAndStores>(StringComparer.Ordinal);
        CertificateLoader.Load(snapshot, ingress, ns, certificates, Issue);
        foreach (var (key, cert) in certificates) f.Certificates.Add((key, cert));

        var spec = ingress.Spec ?? new V1IngressSpec();
        if ((spec.Rules is null || spec.Rules.Count == 0) && spec.DefaultBackend is { } db) f.DefaultBackend = db;

        issues = f.IssuesAfter;
        var services = new HashSet<string>(StringComparer.Ordinal);
        var routers = new Dictionary<string, List<Router>>(StringComparer.Ordinal);
        foreach (var t in spec.Tls ?? [])
            foreach (var h in t.Hosts ?? [])
                if (!string.IsNullOrEmpty(h) && HostName.Normalize(h) is null) Issue($"Ignoring tls.hosts entry \"{h}\": {NotAName}");
        foreach (var rule in spec.Rules ?? [])
        {
            // The API server refuses such a host; where nothing validated it, it is skipped, never guessed at.
            string? host = null;
            if (!string.IsNullOrEmpty(rule.Host) && (host = HostName.Normalize(rule.Host)) is null)
            {
                Issue($"Skipping rule for host \"{rule.Host}\": {NotAName}");
                continue;
            }
            if (rule.Http is null) continue;
            // Traefik's rule text keeps the host as written (its matcher ignores case and a trailing
            // dot, as the normal form does); a non-ASCII name is written in its punycode form.
            var ruleHost = host is null || System.Text.Ascii.IsValid(rule.Host) ? rule.Host : host;
            foreach (var pa in rule.Http.Paths ?? [])
            {
                if (pa.Backend?.Resource is not null) { Issue("Resource backends are not supported"); continue; }
                if (pa.Backend?.Service is not { } backend) { Issue("Missing service definition"); continue; }

                var serviceName = Naming.Normalize(ns + "-" + backend.Name + "-" + Naming.PortString(backend.Port));
                if (!services.Contains(serviceName))
                {
                    if (LoadService(snapshot, options, ns, backend, Issue) is not { } service) continue;
                    services.Add(serviceName);
                    f.Services.Add((serviceName, service));
                }

                Router rt;
                try { rt = LoadRouter(ingress, ns, name, ruleHost, pa, backend, rtConfig, serviceName, options); }
                catch (TranslationException e) { Issue($"Skipping path {pa.Path}: {e.Message}"); continue; }

                rt.SourceHost = host ?? "";
                var key = Naming.Normalize(ns + "-" + name + "-" + rule.Host + pa.Path).TrimStart('-');
                if (!routers.TryGetValue(key, out var list)) { routers[key] = list = new(); f.Routers.Add((key, list)); }
                list.Add(rt);
            }
        }
        return f;
    }

    /// <summary>Adds a fragment to the configuration, in Ingress order (Traefik's single pass).</summary>
    private static void Merge(DynamicConfig conf, ClusterSnapshot snapshot, ProviderOptions options, IngressFragment f, string ns,
        SortedDictionary<string, CertAndStores> certificates, List<TranslationIssue> issues, List<IngressWarning> warnings,
        HashSet<string> catchAllNamespaces)
    {
        issues.AddRange(f.IssuesBefore);
        if (f.Skipped) return;
        foreach (var (key, cert) in f.Certificates) certificates.TryAdd(key, cert);

        var name = f.Ingress.Metadata?.Name ?? "";
        void Issue(string message) => issues.Add(new TranslationIssue("Ingress", ns, name, message));
        if (f.DefaultBackend is { } db)
        {
            // Tenancy: a default backend catches every tenant's unmatched traffic, so only
            // allow-listed namespaces may declare one (checked before "already exists", so a
            // rogue namespace that sorts first cannot take the slot).
            if (options.TenancyEnabled && !catchAllNamespaces.Contains(ns))
            {
                var message = $"default backend is not served: namespace \"{ns}\" is not in tenancy.defaultBackendNamespaces";
                Issue(message);
                warnings.Add(new IngressWarning(f.Ingress, TenancyPolicy.CatchAllNotAllowedReason, message));
            }
            else
            {
                AddDefaultBackend(conf, snapshot, options, f.Ingress, ns, db, f.RouterConfig, Issue);
            }
        }

        issues.AddRange(f.IssuesAfter);
        foreach (var (serviceName, service) in f.Services) conf.Http.Services.TryAdd(serviceName, service);
        foreach (var (key, list) in f.Routers)
        {
            if (list.Count == 1) { conf.Http.Routers[key] = list[0]; continue; }
            foreach (var r in list) conf.Http.Routers[Naming.WithHash(key, r.Rule)] = r;
        }
    }

    /// <summary>A backend's service, or null with the issue Traefik logs (missing, or no endpoints unless allowEmptyServices).</summary>
    private static Service? LoadService(ClusterSnapshot snapshot, ProviderOptions options, string ns, V1IngressServiceBackend backend, Action<string> issue)
    {
        Service service;
        try { service = ServiceLoader.Load(snapshot, options, ns, backend); }
        catch (TranslationException e) { issue($"Cannot create service {ns}/{backend.Name} port {Naming.PortString(backend.Port)}: {e.Message}"); return null; }
        if (service.LoadBalancer!.Servers is not { Count: > 0 } && !options.AllowEmptyServices)
        {
            issue($"Skipping service {ns}/{backend.Name} port {Naming.PortString(backend.Port)}: no endpoints found");
            return null;
        }
        return service;
    }

    private static bool ShouldProcess(V1Ingress ingress, HashSet<string>? classNames, ProviderOptions options)
    {
        if (ingress.Spec?.IngressClassName is { } className)
            return classNames is not null && classNames.Contains(className);
        string? annotation = null;
        ingress.Metadata?.Annotations?.TryGetValue(IngressClassAnnotation, out annotation);
        annotation ??= "";
        return options.IngressClass == annotation || (options.IngressClass.Length == 0 && annotation == DefaultClass);
    }

    private static void AddDefaultBackend(DynamicConfig conf, ClusterSnapshot snapshot, ProviderOptions options, V1Ingress ingress,
        string ns, V1IngressBackend db, RouterAnnotations? rtConfig, Action<string> issue)
    {
        if (conf.Http.Services.ContainsKey("default-backend")) { issue("The default backend already exists."); return; }
        if (db.Resource is not null) { issue("Resource is not supported for default backend"); return; }
        if (db.Service is not { } backend) { issue("Default backend is missing service definition"); return; }
        if (LoadService(snapshot, options, ns, backend, issue) is not { } service) return;
        var rt = new Router
        {
            Rule = "PathPrefix(\"/\")",
            RuleSyntax = "default",
            Priority = int.MinValue,
            Service = "default-backend",
            Namespace = ns,
            Observability = new RouterObservability { Metadata = Metadata(ns, ingress.Metadata?.Name, backend) },
        };
        if (rtConfig is not null)
        {
            rt.EntryPoints = rtConfig.EntryPoints;
            rt.Middlewares = rtConfig.Middlewares;
            rt.Tls = rtConfig.Tls;
            CopyObservability(rtConfig, rt);
        }
        conf.Http.Routers["default-router"] = rt;
        conf.Http.Services["default-backend"] = service;
    }

    private static Router LoadRouter(V1Ingress ingress, string ns, string name, string? host, V1HTTPIngressPath pa,
        V1IngressServiceBackend backend, RouterAnnotations? rtConfig, string serviceName, ProviderOptions options)
    {
        var rt = new Router
        {
            Service = serviceName,
            Namespace = ns,
            Observability = new RouterObservability { Metadata = Metadata(ns, name, backend) },
        };
        if (rtConfig is not null)
        {
            rt.RuleSyntax = string.IsNullOrEmpty(rtConfig.RuleSyntax) ? null : rtConfig.RuleSyntax;
            rt.Priority = rtConfig.Priority;
            rt.EntryPoints = rtConfig.EntryPoints;
            rt.Middlewares = rtConfig.Middlewares;
            rt.Tls = rtConfig.Tls;
            CopyObservability(rtConfig, rt);
        }
        var rules = new List<string>();
        if (!string.IsNullOrEmpty(host))
        {
            bool v2 = rt.RuleSyntax == "v2" || (rt.RuleSyntax is null && options.DefaultRuleSyntax == "v2");
            rules.Add(RuleBuilder.Host(host, v2));
        }
        if (!string.IsNullOrEmpty(pa.Path))
        {
            var matcher = "PathPrefix";
            if (string.IsNullOrEmpty(pa.PathType) || pa.PathType == "ImplementationSpecific")
            {
                if (!string.IsNullOrEmpty(rtConfig?.PathMatcher))
                {
                    if (rtConfig.PathMatcher is not ("Path" or "PathPrefix" or "PathRegexp"))
                        throw new TranslationException($"invalid router path matcher \"{rtConfig.PathMatcher}\": must be one of Path, PathPrefix, PathRegexp");
                    matcher = rtConfig.PathMatcher;
                }
            }
            else if (pa.PathType == "Exact")
            {
                matcher = "Path";
            }
            rules.Add(RuleBuilder.Path(options.StrictPrefixMatching, matcher, pa.Path));
        }
        rt.Rule = string.Join(" && ", rules);
        return rt;
    }

    private static void CopyObservability(RouterAnnotations config, Router rt)
    {
        if (config.Observability is not { } o) return;
        rt.Observability!.AccessLogs = o.AccessLogs;
        rt.Observability.Metrics = o.Metrics;
        rt.Observability.Tracing = o.Tracing;
        rt.Observability.TraceVerbosity = o.TraceVerbosity;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static ObservabilityMetadata Metadata(string ns, string? ingressName, V1IngressServiceBackend backend) => new()
    {
        Ingress = new IngressMetadata
        {
            // Go's omitempty: empty strings are absent, not "".
            Namespace = NullIfEmpty(ns), IngressName = NullIfEmpty(ingressName), ServiceName = NullIfEmpty(backend.Name),
            ServicePort = NullIfEmpty(Naming.PortString(backend.Port)),
        },
    };
}
