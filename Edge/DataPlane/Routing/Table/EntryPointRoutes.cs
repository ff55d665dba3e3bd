using Edge.Configuration;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Rules;
using Edge.Model;
using Edge.Tenancy;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Routing.Table;

/// <summary>
/// The routers of one entry point, split by TLS: a router with TLS (or any router on an entry
/// point with http.tls) is served only on TLS connections, the others only on plain ones. A router
/// that names no entry point is bound to Traefik's defaults: every entry point except "traefik".
/// </summary>
public sealed class EntryPointRoutes
{
    private readonly RouteTable _plain;
    private readonly RouteTable _tls;

    private EntryPointRoutes(RouteTable plain, RouteTable tls) { _plain = plain; _tls = tls; }

    public static EntryPointRoutes Compile(EntryPointOptions ep, IReadOnlyDictionary<string, Router> routers,
        IReadOnlyList<string> defaultEntryPoints, RuleSyntax defaultSyntax, Dictionary<string, string> errors,
        HostOwnership? ownership = null)
    {
        var bound = new List<(string, Router)>();
        foreach (var (name, r) in routers)
            if (Bind(ep, name, r, defaultEntryPoints) is { } router) bound.Add((name, router));
        var plain = RouteTable.Compile(bound, ep.Name, tls: false, defaultSyntax, ownership: ownership);
        var tls = RouteTable.Compile(bound, ep.Name, tls: true, defaultSyntax, ownership: ownership);
        foreach (var e in plain.Errors.Concat(tls.Errors)) errors[e.RouterName] = e.ToString();
        return new EntryPointRoutes(plain.Table, tls.Table);
    }

    /// <summary>
    /// These routes with the routers named in <paramref name="removed"/> taken out and those in
    /// <paramref name="upserted"/> (as the configuration has them) put in; see <see cref="RouteTable.Patch"/>.
    /// Routes the same as <see cref="Compile"/> of the resulting set of routers.
    /// </summary>
    public EntryPointRoutes Patch(EntryPointOptions ep, IReadOnlyCollection<string> removed, IReadOnlyList<(string Name, Router Router)> upserted,
        IReadOnlyList<string> defaultEntryPoints, RuleSyntax defaultSyntax, Dictionary<string, string> errors, HostOwnership? ownership = null)
    {
        // A router no longer bound here, or bound no more as it was, leaves; Bind decides what enters.
        var leaving = new List<string>(removed);
        var bound = new List<(string, Router)>();
        foreach (var (name, r) in upserted)
        {
            if (Bind(ep, name, r, defaultEntryPoints) is { } router) bound.Add((name, router));
            else leaving.Add(name);
        }
        var plain = _plain.Patch(leaving, bound, defaultSyntax, ownership);
        var tls = _tls.Patch(leaving, bound, defaultSyntax, ownership);
        foreach (var e in plain.Errors.Concat(tls.Errors)) errors[e.RouterName] = e.ToString();
        return new EntryPointRoutes(plain.Table, tls.Table);
    }

    /// <summary>The router as this entry point serves it, or null when it is not bound here.</summary>
    private static Router? Bind(EntryPointOptions ep, string name, Router r, IReadOnlyList<string> defaultEntryPoints)
    {
        if (ProviderNames.IsInternal(name)) return null;   // the API handler answers these on their entry point
        var eps = r.EntryPoints is { Count: > 0 } ? (IReadOnlyList<string>)r.EntryPoints : defaultEntryPoints;
        if (!Contains(eps, ep.Name)) return null;
        if (!ep.HttpTls || r.Tls is not null) return r;
        // The entry point's http.tls makes its routers TLS routers (Traefik's default TLS config).
        return new Router
        {
            EntryPoints = r.EntryPoints, Middlewares = r.Middlewares, Service = r.Service, Rule = r.Rule,
            RuleSyntax = r.RuleSyntax, Priority = r.Priority, Observability = r.Observability, Tls = new RouterTls(),
        };
    }

    /// <summary>Both tables (plain, then TLS), for tests comparing a patched set with a rebuilt one.</summary>
    internal (RouteTable Plain, RouteTable Tls) Tables => (_plain, _tls);

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public RouteEntry? Match(HttpContext ctx, RequestPath path)
    {
        var request = HttpContextRouteRequest.Create(ctx, path);
        return (request.IsTls ? _tls : _plain).Match(request);
    }
}
