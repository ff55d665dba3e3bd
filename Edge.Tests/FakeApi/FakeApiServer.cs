using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Providers.Kubernetes.Client;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.FakeApi;

/// <summary>
/// An in-process Kubernetes API server speaking the real REST/watch protocol on loopback, so the real
/// KubernetesClient and Edge's watch loop run unmodified against it. The store survives Stop/Restart,
/// which lets tests model an apiserver restart with resourceVersions intact.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly ApiRequestHandler _handler;
    private readonly SelfSignedCertificates? _certs;
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(string Kind, string? Name)> _ignored = [];
    private readonly Lock _faultLock = new();
    private readonly ListGate _lists = new();
    private WebApplication? _app;
    private int _failRemaining;
    private int _failCode;
    private string? _failingPath;
    private int _failingPathCode;
    private volatile bool _down;

    private FakeApiServer(FakeApiServerOptions options)
    {
        Options = options;
        _store = new ObjectStore(Math.Max(1, options.HistoryLimit));
        _handler = new ApiRequestHandler(_store, options, _lists);
        _certs = options.Tls ? SelfSignedCertificates.Create() : null;
    }

    public FakeApiServerOptions Options { get; }

    public int Port { get; private set; }

    public Uri BaseUri => new($"{(_certs is null ? "http" : "https")}://127.0.0.1:{Port}/");

    /// <summary>Base URL without trailing slash, the form KubernetesClientConfiguration.Host expects.</summary>
    public string Url => BaseUri.ToString().TrimEnd('/');

    /// <summary>PEM of the CA that signed the serving certificate; null without TLS.</summary>
    public string? CaCertificatePem => _certs?.CaPem;

    public X509Certificate2? CaCertificate => _certs?.Ca;

    /// <summary>The global resourceVersion: the rv of the latest write.</summary>
    public long ResourceVersion => _store.CurrentResourceVersion;

    public int OpenWatchCount => _store.OpenWatchCount;

    /// <summary>Manifests LoadYaml skipped because the fake does not serve their kind.</summary>
    public IReadOnlyList<(string Kind, string? Name)> IgnoredObjects { get { lock (_ignored) return [.. _ignored]; } }

    public IReadOnlyList<RecordedRequest> Requests { get { lock (_requests) return [.. _requests]; } }

    public static async Task<FakeApiServer> StartAsync(FakeApiServerOptions? options = null)
    {
        var server = new FakeApiServer(options ?? new FakeApiServerOptions());
        await server.ListenAsync(server.Options.Port);
        return server;
    }

    public void WriteCaFile(string path) =>
        File.WriteAllText(path, CaCertificatePem ?? throw new InvalidOperationException("the server was started without TLS"));

    /// <summary>Creates or replaces a typed object (V1Ingress, V1Service, ...). Returns its new resourceVersion.</summary>
    public string Upsert(object k8sObject)
    {
        var type = TypeOf(k8sObject.GetType());
        var node = JsonNode.Parse(KubernetesJson.Serialize(k8sObject)) as JsonObject
            ?? throw new ArgumentException("object did not serialize to a JSON object", nameof(k8sObject));
        return _store.Upsert(type, node).ResourceVersion!;
    }

    /// <summary>Creates or replaces an object given as JSON (custom resources, which have no typed model); its apiVersion and kind pick the resource.</summary>
    public string UpsertJson(JsonObject obj)
    {
        var apiVersion = (string?)obj["apiVersion"] ?? throw new ArgumentException("apiVersion missing", nameof(obj));
        var kind = (string?)obj["kind"] ?? throw new ArgumentException("kind missing", nameof(obj));
        var type = ResourceCatalog.ForKind(apiVersion, kind) ?? throw new ArgumentException($"unknown kind {apiVersion}/{kind}");
        return _store.Upsert(type, (JsonObject)obj.DeepClone()).ResourceVersion!;
    }

    /// <summary>Deletes an object; false if it did not exist.</summary>
    public bool Delete<T>(string? ns, string name) => Delete(TypeOf(typeof(T)), ns, name);

    public bool Delete(string apiVersion, string kind, string? ns, string name) =>
        Delete(ResourceCatalog.ForKind(apiVersion, kind) ?? throw new ArgumentException($"unknown kind {apiVersion}/{kind}"), ns, name);

    /// <summary>Loads multi-document YAML; returns how many objects were stored.</summary>
    public int LoadYaml(string multiDocYaml)
    {
        var loaded = 0;
        foreach (var (kind, name, obj) in ManifestLoader.Parse(multiDocYaml))
        {
            if (obj is null)
            {
                lock (_ignored) _ignored.Add((kind, name));
                continue;
            }
            Upsert(obj);
            loaded++;
        }
        return loaded;
    }

    public T? Get<T>(string? ns, string name) where T : class
    {
        var type = TypeOf(typeof(T));
        var stored = _store.Get(type, type.Namespaced ? ns ?? "default" : null, name);
        return stored is null ? null : KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(stored.Json));
    }

    /// <summary>All stored objects of a kind (optionally one namespace), e.g. the Events Edge posted.</summary>
    public IReadOnlyList<T> List<T>(string? ns = null) where T : class =>
        _store.Snapshot(TypeOf(typeof(T)), ns).Select(o => KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(o.Json))).ToList();

    /// <summary>Cuts every open watch connection (an abort, not a clean end of stream).</summary>
    public void DropAllWatches() => _store.DropAllWatches();

    /// <summary>Forgets the change history: watches and continue tokens from older rvs now get 410 Expired.</summary>
    public void ExpireHistory() => _store.ExpireHistory();

    /// <summary>The next <paramref name="count"/> requests are answered with <paramref name="statusCode"/> and a Status body.</summary>
    /// <summary>Every request whose path ends with <paramref name="pathSuffix"/> (a kind's collection, e.g. "/middlewares") fails until cleared with null.</summary>
    public void FailRequestsTo(string? pathSuffix, int statusCode = 500)
    {
        lock (_faultLock)
        {
            _failingPath = pathSuffix;
            _failingPathCode = statusCode;
        }
    }

    public void FailNextRequests(int count, int statusCode = 500)
    {
        lock (_faultLock)
        {
            _failRemaining = count;
            _failCode = statusCode;
        }
    }

    /// <summary>LIST requests wait (connected, unanswered) until <see cref="ReleaseLists"/>; watches and discovery are not held.</summary>
    public void HoldLists() => _lists.Hold();

    public void ReleaseLists() => _lists.Release();

    /// <summary>How many LIST requests are waiting at the gate now.</summary>
    public int HeldLists => _lists.Held;

    /// <summary>While down every request gets 503 and open watches are cut, like an apiserver being restarted behind a LB.</summary>
    public void SetDown(bool down)
    {
        _down = down;
        if (down) _store.DropAllWatches();
    }

    /// <summary>Stops listening (connections are refused); the store is kept.</summary>
    public async Task StopAsync()
    {
        var app = Interlocked.Exchange(ref _app, null);
        if (app is null) return;
        _store.DropAllWatches();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Listens again on the same port with the same store, history and certificate.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await ListenAsync(Port);
    }

    public void ClearRequests()
    {
        lock (_requests) _requests.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _certs?.Dispose();
    }

    private bool Delete(ResourceType type, string? ns, string name)
    {
        try
        {
            _store.Delete(type, type.Namespaced ? ns ?? "default" : null, name);
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return false;
        }
    }

    private static ResourceType TypeOf(Type clrType) =>
        ResourceCatalog.ForClrType(clrType) ?? throw new ArgumentException($"the fake apiserver does not serve {clrType.Name}");

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, listen =>
            {
                if (_certs is not null) listen.UseHttps(_certs.Server);
            });
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
        _app = app;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        var authorization = request.Headers.Authorization.ToString();
        lock (_requests)
        {
            _requests.Add(new RecordedRequest(request.Method, request.Path.Value ?? "/",
                request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
                authorization.Length == 0 ? null : authorization, DateTimeOffset.UtcNow));
            if (_requests.Count > Math.Max(10, Options.MaxRecordedRequests))
                _requests.RemoveRange(0, _requests.Count / 10);
        }

        var failure = _down ? 503 : TakeInjectedFailure(request.Path.Value ?? "/");
        if (failure != 0)
        {
            await ApiRequestHandler.WriteJsonAsync(ctx, failure,
                ApiStatus.Failure(failure, ApiStatus.ReasonFor(failure), $"injected failure ({failure})"));
            return;
        }
        if (Options.BearerToken is { } token && authorization != "Bearer " + token)
        {
            await ApiRequestHandler.WriteJsonAsync(ctx, 401, ApiStatus.Failure(401, "Unauthorized", "Unauthorized"));
            return;
        }
        await _handler.HandleAsync(ctx);
    }

    private int TakeInjectedFailure(string path)
    {
        lock (_faultLock)
        {
            if (_failingPath is not null && path.EndsWith(_failingPath, StringComparison.Ordinal)) return _failingPathCode;
            if (_failRemaining <= 0) return 0;
            _failRemaining--;
            return _failCode;
        }
    }
}
