using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>An API server answer that is not a success (carries the HTTP status).</summary>
public sealed class KubeApiException(HttpStatusCode status, string message) : Exception($"{(int)status} {status}: {message}")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// Access to the API server with the connection and credentials a KubernetesClientConfiguration
/// describes (token, token file, client certificate, exec plugin: see <see cref="KubeHttpHandler"/>). Every call (list, watch, status patch, Lease, Event)
/// goes through here with <see cref="KubeJsonContext"/>: the typed client's calls would pull every
/// Kubernetes type's serializer into the binary.
/// </summary>
public sealed class KubeApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly Func<CancellationToken, Task<AuthenticationHeaderValue?>> _authorization;
    private readonly Uri _base;

    public KubeApi(KubernetesClientConfiguration config)
    {
        // Not k8s.Kubernetes: its constructor reads config.JsonSerializerOptions, which roots
        // KubernetesClient's JSON context for every API type. The same connection settings and
        // credentials are applied here instead (see KubeHttpHandler).
        _http = new HttpClient(KubeHttpHandler.Create(config), disposeHandler: true)
        {
            // Watches are long-lived; per-request tokens bound lists and writes instead of a global timeout.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _authorization = KubeHttpHandler.Authorization(config);
        var baseUri = (config.Host ?? "").TrimEnd('/') + "/";
        _base = new Uri(baseUri);
    }

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content,
        HttpCompletionOption completion, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, pathAndQuery.TrimStart('/'))) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = await _authorization(ct).ConfigureAwait(false);
        var response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string body = "";
            try { body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false); } catch (HttpRequestException) { }
            response.Dispose();
            throw new KubeApiException(response.StatusCode, $"{method} {pathAndQuery}: {Truncate(body)}");
        }
        return response;
    }

    public async Task<T> GetJsonAsync<T>(string pathAndQuery, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(RequestTimeout);
        using var response = await SendAsync(HttpMethod.Get, pathAndQuery, null, HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync(stream, type, cts.Token).ConfigureAwait(false)
            ?? throw new KubeApiException(response.StatusCode, $"GET {pathAndQuery}: empty answer");
    }

    /// <summary>POST or PUT an object; returns what the server stored.</summary>
    public Task<T> WriteJsonAsync<T>(HttpMethod method, string path, T body, JsonTypeInfo<T> type, CancellationToken ct) =>
        SendForJsonAsync(method, path, new StringContent(JsonSerializer.Serialize(body, type), Encoding.UTF8, "application/json"), type, ct);

    /// <summary>A JSON merge patch (RFC 7386), e.g. on a status subresource.</summary>
    public async Task PatchMergeAsync(string path, string patch, CancellationToken ct)
    {
        using var content = new StringContent(patch, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using var response = await SendAsync(HttpMethod.Patch, path, content, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
    }

    /// <summary>DELETE an object; false when it was already gone (404).</summary>
    public async Task<bool> DeleteAsync(string path, CancellationToken ct)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Delete, path, null, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task<T> SendForJsonAsync<T>(HttpMethod method, string path, HttpContent content, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using (content)
        {
            using var response = await SendAsync(method, path, content, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync(stream, type, ct).ConfigureAwait(false)
                ?? throw new KubeApiException(response.StatusCode, $"{method} {path}: empty answer");
        }
    }

    /// <summary>Opens a streaming GET (a watch); the caller disposes the stream.</summary>
    public async Task<Stream> OpenStreamAsync(string pathAndQuery, CancellationToken ct)
    {
        var response = await SendAsync(HttpMethod.Get, pathAndQuery, null, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] : s;

    public void Dispose() => _http.Dispose();
}
