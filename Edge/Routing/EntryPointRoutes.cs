using Edge.Configuration;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Routing;

/// <summary>
/// The routers of one entry point, split by TLS: a router with TLS (or any router on an entry
/// point with http.tls) is served only on TLS connections, the others only on plain ones.
/// </summary>
public sealed class EntryPointRoutes
{
    private readonly RouteTable _plain;
    private readonly RouteTable _tls;

    private EntryPointRoutes(RouteTable plain, RouteTable tls) { _plain = plain; _tls = tls; }

    public static EntryPointRoutes Compile(EntryPointOptions ep, IReadOnlyDictionary<string, Router> routers,
        IReadOnlyList<string> defaultEntryPoints, Dictionary<string, string> errors)
    {
        var plain = new List<(string, Router)>();
        var tls = new List<(string, Router)>();
        foreach (var (name, r) in routers)
        {
            var eps = r.EntryPoints is { Count: > 0 } ? (IReadOnlyList<string>)r.EntryPoints : defaultEntryPoints;
            if (!eps.Contains(ep.Name, StringComparer.OrdinalIgnoreCase)) continue;
            if (r.Tls is not null || ep.HttpTls) tls.Add((name, r));
            else plain.Add((name, r));
        }
        return new EntryPointRoutes(RouteTable.Build(plain, errors), RouteTable.Build(tls, errors));
    }

    public Router? Match(HttpContext ctx) => (ctx.Request.IsHttps ? _tls : _plain).Match(ctx);
}
