using Edge.Model;

namespace Edge.Aggregation;

/// <summary>
/// Adds another provider's objects to the applied configuration under their qualified names
/// (<c>name@provider</c>), as Traefik's aggregator does, so that a reference such as
/// <c>ns-auth@kubernetescrd</c> in an Ingress annotation resolves. The Ingress provider's own
/// objects stay unqualified (their provider is implied, see <see cref="Api.RawDataBuilder.Provider"/>).
/// </summary>
public static class ProviderMerge
{
    public static void AddMiddlewares(DynamicConfig target, string provider, IReadOnlyDictionary<string, Middleware> middlewares)
    {
        foreach (var (name, middleware) in middlewares)
            target.Http.Middlewares[name + "@" + provider] = middleware;
    }
}
