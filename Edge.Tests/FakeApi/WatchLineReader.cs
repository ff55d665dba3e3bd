using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Edge.Tests.FakeApi;

/// <summary>
/// Test helper: a raw watch over HttpClient, read line by line. KubernetesClient.Aot has no Watch helper,
/// and Edge's own watch loop reads the stream the same way.
/// </summary>
public sealed class WatchLineReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchLineReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public HttpResponseMessage Response => _response;

    public static async Task<WatchLineReader> OpenAsync(HttpClient http, string url, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new WatchLineReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event, or null at a clean end of stream. Throws on timeout or a broken connection.</summary>
    public async Task<JsonObject?> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var line = await _reader.ReadLineAsync(cts.Token);
        return line is null ? null : JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>Next event that is not a BOOKMARK (bookmarks may interleave when enabled).</summary>
    public async Task<JsonObject?> NextNonBookmarkAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var e = await NextAsync(timeout);
            if (e is null || (string?)e["type"] != "BOOKMARK") return e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}
