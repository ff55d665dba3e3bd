using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Edge.DataPlane.Forwarding;
using Edge.Observability.Logging;

namespace Edge.DataPlane.Health;

/// <summary>
/// Traefik's ServiceHealthChecker for one load balancer of one configuration: two loops, one
/// checking the servers that are up every <c>interval</c>, one checking those that are down every
/// <c>unhealthyInterval</c> (the first check one interval after the start, as Traefik's ticker).
/// Each check goes through the service's servers transport; the result sets the server's status
/// in <see cref="BackendService.Health"/>, which the balancer reads on every pick. Stopped with
/// its configuration: a cancelled check writes nothing.
/// </summary>
public sealed class ServiceHealthChecker
{
    private readonly BackendService _service;
    private readonly BackendClient _client;
    private readonly string _qualifiedName;

    public HealthCheckSettings Settings { get; }

    public ServiceHealthChecker(BackendService service, string qualifiedName, BackendClient client)
    {
        _service = service;
        _client = client;
        _qualifiedName = qualifiedName;
        Settings = HealthCheckSettings.From(service.HealthCheck!, qualifiedName);
    }

    /// <summary>Runs both loops until <paramref name="stop"/> fires.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(LoopAsync(healthy: true, Settings.Interval, stop), LoopAsync(healthy: false, Settings.UnhealthyInterval, stop));

    private async Task LoopAsync(bool healthy, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                // The servers of this loop, collected once per tick (a server moved by this round waits for the other loop).
                var targets = Enumerable.Range(0, _service.Servers.Length).Where(i => _service.Health.IsDown(i) != healthy).ToList();
                foreach (var i in targets)
                {
                    if (stop.IsCancellationRequested) return;
                    var error = await CheckAsync(i, stop).ConfigureAwait(false);
                    if (stop.IsCancellationRequested) return;   // the configuration was replaced: its result is not written
                    var server = _service.Servers[i];
                    if (error is not null) Log.Warn("Health check failed.", ("service", _qualifiedName), ("targetURL", server.Url), ("error", error));
                    if (_service.Health.Set(i, error is null))
                        Log.Info(error is null ? "Server is up again" : "Server is down", ("service", _qualifiedName), ("targetURL", server.Url));
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>One check of server <paramref name="index"/>: null when healthy, else why not.</summary>
    public async Task<string?> CheckAsync(int index, CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(Settings.Timeout);
        try
        {
            return Settings.Grpc
                ? await CheckGrpcAsync(_service.Servers[index].BaseUri, deadline.Token).ConfigureAwait(false)
                : await CheckHttpAsync(_service.Servers[index].BaseUri, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return $"timeout after {Settings.Timeout.TotalMilliseconds:0}ms";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or UriFormatException)
        {
            return e.Message;
        }
    }

    /// <summary>Traefik's checkHealthHTTP: the path resolved against the server's URL, scheme and port replaced; 2xx/3xx or exactly <c>status</c>.</summary>
    private async Task<string?> CheckHttpAsync(Uri server, CancellationToken ct)
    {
        if (Uri.TryCreate(Settings.Path, UriKind.Absolute, out var abs) && (abs.Scheme is "http" or "https" || Settings.Path.StartsWith("//", StringComparison.Ordinal)))
            return $"health check path must be a relative URL, got: \"{Settings.Path}\"";
        var target = new Uri(server, Settings.Path);
        var h2c = _service.H2c;
        var builder = new UriBuilder(target);
        if (Settings.Scheme is { } scheme)
        {
            h2c = scheme == "h2c";
            builder.Scheme = h2c ? "http" : scheme;
            if (target.IsDefaultPort) builder.Port = -1;
        }
        if (Settings.Port != 0) builder.Port = Settings.Port;
        var uri = builder.Uri;
        var invoker = h2c ? _client.H2c : _client.Http;
        var method = new HttpMethod(Settings.Method);
        string? host = Settings.Hostname;
        for (int redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Version = h2c ? HttpVersion.Version20 : HttpVersion.Version11;
            request.VersionPolicy = h2c ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower;
            if (host is not null) request.Headers.TryAddWithoutValidation("Host", host);
            foreach (var (k, v) in Settings.Headers) { request.Headers.Remove(k); request.Headers.TryAddWithoutValidation(k, v); }
            using var response = await invoker.SendAsync(request, ct).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            // Go's http.Client follows up to 10 redirects unless followRedirects is false.
            if (Settings.FollowRedirects && code is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                if (redirects >= 10) return "stopped after 10 redirects";
                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                // Go keeps a Host override only for a redirect relative to the same host.
                if (location.IsAbsoluteUri) host = null;
                if (code is 301 or 302 or 303 && method != HttpMethod.Head) method = HttpMethod.Get;
                uri = next;
                continue;
            }
            if (Settings.Status == 0 && (code < 200 || code >= 400)) return $"received error status code: {code}";
            if (Settings.Status != 0 && Settings.Status != code) return $"received error status code: {code} expected status code: {Settings.Status}";
            return null;
        }
    }

    /// <summary>
    /// Traefik's checkHealthGRPC: grpc.health.v1.Health/Check with an empty request, over h2c for
    /// the schemes http, h2c and none, else HTTP/2 with TLS; healthy only when the answer is SERVING.
    /// </summary>
    private async Task<string?> CheckGrpcAsync(Uri server, CancellationToken ct)
    {
        bool insecure = Settings.Scheme is null or "http" or "h2c";
        var port = Settings.Port != 0 ? Settings.Port : server.Port;
        var uri = new UriBuilder(insecure ? "http" : "https", server.Host, port, "/grpc.health.v1.Health/Check").Uri;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            // One uncompressed, empty HealthCheckRequest message (service "": the server as a whole).
            Content = new ByteArrayContent(new byte[5]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        using var response = await (insecure ? _client.H2c : _client.Http).SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var grpcStatus = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        if (response.StatusCode != HttpStatusCode.OK) return $"gRPC health check failed: HTTP status {(int)response.StatusCode}";
        if (grpcStatus is not "0")
            return grpcStatus == "12" ? "gRPC server does not implement the health protocol"
                : $"gRPC health check failed: grpc-status {grpcStatus ?? "missing"} {Header(response.TrailingHeaders, "grpc-message")}".TrimEnd();
        var status = ServingStatus(body);
        return status == 1 ? null : $"received gRPC status code: {StatusName(status)}";
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    /// <summary>HealthCheckResponse.status (field 1, varint) of the first message; 0 (UNKNOWN) when absent.</summary>
    internal static int ServingStatus(ReadOnlySpan<byte> body)
    {
        if (body.Length < 5 || body[0] != 0) return 0;
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body[1..5]);
        var message = body.Slice(5, Math.Min(length, body.Length - 5));
        int status = 0;
        for (int i = 0; i < message.Length;)
        {
            var tag = message[i++];
            if (tag == 0x08 && i < message.Length) { status = message[i++] & 0x7f; continue; }
            break;   // an unknown field: HealthCheckResponse has only status
        }
        return status;
    }

    private static string StatusName(int status) => status switch
    {
        0 => "UNKNOWN", 1 => "SERVING", 2 => "NOT_SERVING", 3 => "SERVICE_UNKNOWN", _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
