using Edge.Configuration;
using Edge.Kubernetes;
using Microsoft.AspNetCore.Http;

namespace Edge;

/// <summary>
/// The data plane: routes a request with the current route table and forwards it. Until routing
/// lands it answers 404 for every request, as Traefik does when no router matches.
/// </summary>
public sealed class DataPlane(StaticConfig config, ConfigurationStore store) : IDisposable
{
    public IReadOnlyDictionary<string, string> RouterErrors { get; private set; } = new Dictionary<string, string>();

    public Task HandleAsync(HttpContext ctx, string entryPoint)
    {
        _ = config; _ = store;
        ctx.Response.StatusCode = 404;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        return ctx.Response.WriteAsync("404 page not found\n");
    }

    public void Dispose() { }
}
