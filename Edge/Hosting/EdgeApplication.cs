using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.Hosting;

/// <summary>
/// What Kestrel calls for each request, in place of ASP.NET Core's hosting layer: an
/// <see cref="HttpContext"/> over Kestrel's features, reused per connection as the hosting layer
/// does (Kestrel's connection keeps it in <see cref="IHostContextContainer{TContext}"/>), and the
/// request delegate. No request services: Edge's request path uses none.
/// </summary>
public sealed class EdgeApplication(RequestDelegate app) : IHttpApplication<DefaultHttpContext>
{
    public DefaultHttpContext CreateContext(IFeatureCollection contextFeatures)
    {
        if (contextFeatures is IHostContextContainer<DefaultHttpContext> container)
        {
            if (container.HostContext is { } reused)
            {
                reused.Initialize(contextFeatures);
                return reused;
            }
            return container.HostContext = new DefaultHttpContext(contextFeatures);
        }
        return new DefaultHttpContext(contextFeatures);
    }

    public Task ProcessRequestAsync(DefaultHttpContext context) => app(context);

    public void DisposeContext(DefaultHttpContext context, Exception? exception) => context.Uninitialize();
}
