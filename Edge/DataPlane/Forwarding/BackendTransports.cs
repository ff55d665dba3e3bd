using System.Text.Json;
using Edge.Configuration;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// The backend clients: <c>default@internal</c> (the static <c>serversTransport.*</c> options) and
/// one per dynamic ServersTransport, by qualified name. Shared by every route table generation:
/// a transport whose settings did not change keeps its client (and its warm connections) across
/// configurations; a replaced one is disposed once the requests that may still use it are done.
/// </summary>
public sealed class BackendTransports : IDisposable
{
    private readonly BackendClient _default;
    private Dictionary<string, (string Settings, BackendClient Client)> _named = new(StringComparer.Ordinal);
    private readonly object _updateLock = new();

    /// <summary>default@internal's response header timeout.</summary>
    public TimeSpan ResponseHeaderTimeout => _default.ResponseHeaderTimeout;

    public BackendTransports(ServersTransportOptions options) => _default = ServersTransportHandler.Create(options);

    /// <summary>Both transports through one handler: for in-process tests of the forwarder (a handler that fails on cue).</summary>
    internal BackendTransports(HttpMessageHandler handler, TimeSpan responseHeaderTimeout)
    {
        var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        _default = new BackendClient(invoker, invoker, responseHeaderTimeout);
    }

    /// <summary>The client of a service: its servers transport's, else default@internal's.</summary>
    public BackendClient ClientFor(BackendService service) =>
        service.TransportName is { } name && Volatile.Read(ref _named).TryGetValue(name, out var t) ? t.Client : _default;

    public HttpMessageInvoker For(BackendService service)
    {
        var client = ClientFor(service);
        return service.H2c ? client.H2c : client.Http;
    }

    /// <summary>
    /// Builds the clients of the configuration's servers transports (by qualified name). Returns
    /// the transports that could not be built, with the reason; their services are in error.
    /// </summary>
    public Dictionary<string, string> Update(IReadOnlyDictionary<string, ServersTransport> transports)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        lock (_updateLock)
        {
            var previous = _named;
            var next = new Dictionary<string, (string Settings, BackendClient Client)>(StringComparer.Ordinal);
            foreach (var (name, st) in transports)
            {
                var settings = JsonSerializer.Serialize(st, ModelJsonContext.Default.ServersTransport);
                if (previous.TryGetValue(name, out var old) && old.Settings == settings) { next[name] = old; continue; }
                try { next[name] = (settings, ServersTransportHandler.Create(name, st)); }
                catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException or IOException)
                {
                    errors[name] = $"servers transport {name}: {e.Message}";
                    Log.Error("Servers transport cannot be built, the services using it are not served", ("serversTransport", name), ("error", e.Message));
                }
            }
            Volatile.Write(ref _named, next);
            var retired = previous.Where(kv => !next.TryGetValue(kv.Key, out var n) || !ReferenceEquals(n.Client, kv.Value.Client)).Select(kv => kv.Value.Client).ToList();
            if (retired.Count > 0)
                // Requests that picked the old client keep it until they finish; a generous delay instead of reference counting.
                _ = Task.Delay(TimeSpan.FromMinutes(10)).ContinueWith(_ => retired.ForEach(c => c.Dispose()), TaskScheduler.Default);
        }
        return errors;
    }

    public void Dispose()
    {
        _default.Dispose();
        foreach (var (_, t) in _named) t.Client.Dispose();
    }
}
