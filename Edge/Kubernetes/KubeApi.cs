using System.Net;
using System.Net.Http.Headers;
using k8s;

namespace Edge.Kubernetes;

/// <summary>An API server answer that is not a success (carries the HTTP status).</summary>
public sealed class KubeApiException(HttpStatusCode status, string message) : Exception($"{(int)status} {status}: {message}")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// Raw access to the API server on KubernetesClient's HttpClient and credentials: the typed client
/// covers writes (status), this covers list and watch, which the AOT client cannot stream.
/// </summary>
public sealed class KubeApi : IDisposable
{
    public k8s.Kubernetes Client { get; }
    private readonly Uri _base;

    public KubeApi(KubernetesClientConfiguration config)
    {
        // Watches are long-lived; per-request tokens bound lists and writes instead of a global timeout.
        config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        Client = new k8s.Kubernetes(config);
        var baseUri = Client.BaseUri.ToString();
        _base = new Uri(baseUri.EndsWith('/') ? baseUri : baseUri + "/");
    }

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, HttpCompletionOption completion, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, pathAndQuery.TrimStart('/')));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (Client.Credentials is not null)
            await Client.Credentials.ProcessHttpRequestAsync(request, ct).ConfigureAwait(false);
        var response = await Client.HttpClient.SendAsync(request, completion, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string body = "";
            try { body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false); } catch (HttpRequestException) { }
            response.Dispose();
            throw new KubeApiException(response.StatusCode, $"GET {pathAndQuery}: {Truncate(body)}");
        }
        return response;
    }

    public async Task<T> GetJsonAsync<T>(string pathAndQuery, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(RequestTimeout);
        using var response = await SendAsync(pathAndQuery, HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
        return KubernetesJson.Deserialize<T>(stream);
    }

    /// <summary>Opens a streaming GET (a watch); the caller disposes the stream.</summary>
    public async Task<Stream> OpenStreamAsync(string pathAndQuery, CancellationToken ct)
    {
        var response = await SendAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] : s;

    public void Dispose() => Client.Dispose();
}
