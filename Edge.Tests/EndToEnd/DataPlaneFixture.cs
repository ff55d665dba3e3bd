using Edge.Tests.FakeApi;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// A fake API server, two echo backends on 127.0.0.2 and 127.0.0.3 (same port, one EndpointSlice),
/// and artifacts/edge routing to them.
/// </summary>
public sealed class DataPlaneFixture : IAsyncDisposable
{
    public required FakeApiServer Api { get; init; }
    public required EchoBackend A { get; init; }
    public required EchoBackend B { get; init; }
    public required EdgeProcess Edge { get; init; }
    public int BackendPort => A.Port;
    /// <summary>More backends a test started; disposed with the fixture.</summary>
    public List<EchoBackend> Extra { get; } = new();
    /// <summary>Requests that reached any echo backend of the fixture.</summary>
    public int BackendRequests => A.Requests + B.Requests + Extra.Sum(e => e.Requests);

    /// <param name="seed">Adds objects to the API server before edge starts; gets the backends' port.</param>
    public static Task<DataPlaneFixture> StartAsync(Action<FakeApiServer, int>? seed = null, params string[] edgeArgs) =>
        StartWithEnvironmentAsync(null, seed, edgeArgs);

    /// <summary>The same, with environment variables for edge (e.g. OTEL_* for a faster export).</summary>
    public static async Task<DataPlaneFixture> StartWithEnvironmentAsync(IDictionary<string, string>? env, Action<FakeApiServer, int>? seed, params string[] edgeArgs)
    {
        var api = await FakeApiServer.StartAsync();
        var port = FreePort.Get();
        var a = await EchoBackend.StartAsync("a", "127.0.0.2", port);
        var b = await EchoBackend.StartAsync("b", "127.0.0.3", port);
        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("default", "whoami", port, "http", "127.0.0.2", "127.0.0.3"));
        seed?.Invoke(api, port);
        var edge = await EdgeProcess.StartWithApiAsync(api, ["--log.level=DEBUG", .. edgeArgs], env);
        return new DataPlaneFixture { Api = api, A = a, B = b, Edge = edge };
    }

    public HttpRequestMessage Get(string host, string path) => Edge.Request(host, path);

    public Task<HttpResponseMessage> SendAsync(string host, string path) => Edge.SendAsync(host, path);

    /// <summary>Waits until a request to host+path no longer answers 404 (the route is served).</summary>
    public Task WaitForRouteAsync(string host, string path, TimeSpan? timeout = null) => Edge.WaitForRouteAsync(host, path, timeout);

    /// <summary>Waits for the Event with <paramref name="reason"/> that edge records on an Ingress.</summary>
    public Task<Corev1Event> WaitForEventAsync(string ns, string ingress, string reason) =>
        Eventually.FoundAsync(() => Api.List<Corev1Event>(ns).FirstOrDefault(e => e.InvolvedObject?.Name == ingress && e.Reason == reason),
            TimeSpan.FromSeconds(10), () => $"no {reason} Event on {ns}/{ingress}; edge output:\n{Edge.Output}");

    public async ValueTask DisposeAsync()
    {
        await Edge.DisposeAsync();
        await A.DisposeAsync();
        await B.DisposeAsync();
        foreach (var e in Extra) await e.DisposeAsync();
        await Api.DisposeAsync();
    }
}
