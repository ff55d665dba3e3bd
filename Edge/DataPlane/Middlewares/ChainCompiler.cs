using Edge.Model;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Compiles the middleware chain of each router once per configuration: the router's middlewares
/// then its service's (Traefik's order), chains expanded in place, each middleware built once and
/// shared by every router that names it. A router whose chain cannot be built (a middleware in
/// error, a chain that loops, in tenancy mode another namespace's middleware) gets the reason and
/// is not served.
/// </summary>
public sealed class ChainCompiler(DynamicConfig config, string provider, bool tenancy,
    Func<string, Forwarding.BackendService?>? serviceLookup = null, ProxyHandler? forward = null)
{
    private readonly Dictionary<string, (HttpMiddleware? Built, string? Error)> _built = new(StringComparer.Ordinal);

    /// <summary>The compiled steps for <paramref name="router"/> (empty when it has none), or null with the reason.</summary>
    public IReadOnlyList<HttpMiddleware>? Compile(Router router, out string? error) => Compile("", router, out error);

    /// <summary>The same for the router stored under <paramref name="routerKey"/>: its unqualified references belong to its provider.</summary>
    public IReadOnlyList<HttpMiddleware>? Compile(string routerKey, Router router, out string? error)
    {
        error = null;
        var steps = new List<HttpMiddleware>();
        var routerNamespace = router.Namespace;
        var context = ProviderNames.ProviderOf(routerKey, provider);
        if (router.Middlewares is { } own)
            foreach (var name in own)
                if (!Add(name, context, routerNamespace, steps, new HashSet<string>(StringComparer.Ordinal), out error)) return null;
        // The service's middlewares belong to the service's provider (Traefik qualifies them there).
        var serviceKey = ServiceKey(routerKey, router);
        if (config.Http.Services.TryGetValue(serviceKey, out var service) && service.Middlewares is { } svc)
            foreach (var name in svc)
                if (!Add(name, ProviderNames.ProviderOf(serviceKey, provider), routerNamespace, steps, new HashSet<string>(StringComparer.Ordinal), out error)) return null;
        return steps;
    }

    private string ServiceKey(string routerKey, Router router) => ServiceKeyOf(routerKey, router, provider);

    private static string ServiceKeyOf(string routerKey, Router router, string provider)
    {
        var qualified = ProviderNames.Qualify(router.Service, ProviderNames.ProviderOf(routerKey, provider));
        return ProviderNames.Unqualified(qualified, provider) ?? qualified;
    }

    private bool Add(string name, string context, string? routerNamespace, List<HttpMiddleware> steps, HashSet<string> path, out string? error)
    {
        error = null;
        var qualified = ProviderNames.Qualify(name, context);
        if (!path.Add(qualified)) { error = $"recursion detected in chain: {string.Join(" -> ", path)} -> {qualified}"; return false; }
        var middleware = Lookup(qualified);
        if (middleware is null) { error = $"middleware \"{qualified}\" does not exist"; return false; }
        // Tenancy: a namespace's routers use only that namespace's Middleware objects.
        if (tenancy && middleware.Namespace is { } owner && routerNamespace is not null && owner != routerNamespace)
        {
            error = $"middleware \"{qualified}\" belongs to namespace \"{owner}\", not \"{routerNamespace}\"";
            return false;
        }
        if (middleware.Chain is { } chain && middleware.Error is null)
        {
            var provider = qualified[(qualified.LastIndexOf('@') + 1)..];
            foreach (var inner in chain.Middlewares ?? [])
                if (!Add(inner, provider, routerNamespace, steps, path, out error)) return false;
            path.Remove(qualified);
            return true;
        }
        if (!_built.TryGetValue(qualified, out var built))
        {
            // A service a middleware names (errors) is qualified with the middleware's provider.
            var ownerProvider = qualified[(qualified.LastIndexOf('@') + 1)..];
            var services = serviceLookup is null || forward is null ? null
                : new MiddlewareServices(name => serviceLookup(ProviderNames.Qualify(name, ownerProvider)), forward);
            var m = MiddlewareBuilder.Create(middleware, out var why, services);
            _built[qualified] = built = (m, why);
        }
        if (built.Built is null) { error = $"middleware \"{qualified}\": {built.Error}"; return false; }
        steps.Add(built.Built);
        path.Remove(qualified);
        return true;
    }

    /// <summary>Middlewares of other providers are stored qualified; the router's own provider's unqualified.</summary>
    private Middleware? Lookup(string qualified)
    {
        if (config.Http.Middlewares.TryGetValue(qualified, out var m)) return m;
        int at = qualified.LastIndexOf('@');
        return qualified.AsSpan(at + 1).SequenceEqual(provider) && config.Http.Middlewares.TryGetValue(qualified[..at], out m) ? m : null;
    }

    /// <summary>
    /// Every router's chain for one configuration. A router whose chain cannot be built joins
    /// <paramref name="errors"/> (router name to reason): it is shown in error and not served.
    /// Routers already in error, disabled, or without middlewares are skipped.
    /// </summary>
    public static Dictionary<string, ProxyHandler> CompileAll(DynamicConfig config, string provider, bool tenancy,
        Dictionary<string, string> errors, ProxyHandler terminal, Func<string, Forwarding.BackendService?>? serviceLookup = null)
    {
        var chains = new Dictionary<string, ProxyHandler>(StringComparer.Ordinal);
        CompileFor(config, config.Http.Routers, chains, provider, tenancy, errors, terminal, serviceLookup);
        return chains;
    }

    /// <summary><see cref="CompileAll"/> for some routers only (the ones a change touched), into <paramref name="chains"/>.</summary>
    public static void CompileFor(DynamicConfig config, IEnumerable<KeyValuePair<string, Router>> routers, Dictionary<string, ProxyHandler> chains,
        string provider, bool tenancy, Dictionary<string, string> errors, ProxyHandler terminal, Func<string, Forwarding.BackendService?>? serviceLookup = null)
    {
        ChainCompiler? compiler = null;
        foreach (var (name, router) in routers)
        {
            if (errors.ContainsKey(name) || router.DisabledReason is not null || ProviderNames.IsInternal(name)) continue;
            bool serviceHas = config.Http.Services.TryGetValue(ServiceKeyOf(name, router, provider), out var svc) && svc.Middlewares is { Count: > 0 };
            if (router.Middlewares is not { Count: > 0 } && !serviceHas) continue;
            compiler ??= new ChainCompiler(config, provider, tenancy, serviceLookup, terminal);
            var steps = compiler.Compile(name, router, out var error);
            if (steps is null) errors[name] = error!;
            else if (steps.Count > 0) chains[name] = Build(steps, terminal);
        }
    }

    /// <summary>The handler that runs <paramref name="steps"/> in order, then <paramref name="terminal"/>.</summary>
    public static ProxyHandler Build(IReadOnlyList<HttpMiddleware> steps, ProxyHandler terminal)
    {
        var handler = terminal;
        for (int i = steps.Count - 1; i >= 0; i--) handler = steps[i].Wrap(handler);
        return handler;
    }
}
