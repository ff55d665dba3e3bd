using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The one harness for "fake API server + Edge process + wait until a route serves": how a test
/// starts Edge against the in-repo API server, sends a request for a host to the web entry point,
/// and waits (without sleeping) until Edge answers the way the test expects.
/// </summary>
public sealed partial class EdgeProcess
{
    /// <summary>The arguments that point the Ingress provider at <paramref name="api"/> and publish every change at once.</summary>
    public static string[] IngressProviderArgs(FakeApiServer api) =>
        [$"--providers.kubernetesingress.endpoint={api.Url}", "--providers.providersThrottleDuration=0s"];

    /// <summary>Starts edge reading Ingresses from <paramref name="api"/> (see <see cref="IngressProviderArgs"/>) plus <paramref name="args"/>.</summary>
    public static Task<EdgeProcess> StartWithApiAsync(FakeApiServer api, IEnumerable<string> args, IDictionary<string, string>? env = null, bool waitForPing = true) =>
        StartAsync([.. IngressProviderArgs(api), .. args], env, waitForPing);

    /// <summary>The web entry point's address as a Host header (what a client sends by default).</summary>
    public string WebAuthority => $"127.0.0.1:{WebPort}";

    /// <summary>A request for <paramref name="host"/> to the web entry point; a body makes it a POST.</summary>
    public HttpRequestMessage Request(string host, string path, string? body = null, HttpMethod? method = null)
    {
        var req = new HttpRequestMessage(method ?? (body is null ? HttpMethod.Get : HttpMethod.Post), WebUrl + path) { Headers = { Host = host } };
        if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        return req;
    }

    /// <summary>Sends a GET for host+path to the web entry point; the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> SendAsync(string host, string path)
    {
        using var req = Request(host, path);
        return await Http.SendAsync(req);
    }

    /// <summary>The status and body Edge answers for host+path (a POST of <paramref name="body"/> when given).</summary>
    public async Task<(int Status, string Body)> FetchAsync(string host, string path, string? body = null, HttpMethod? method = null)
    {
        using var req = Request(host, path, body, method);
        using var response = await Http.SendAsync(req);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Polls host+path until <paramref name="accept"/> takes Edge's answer and returns it. A refused
    /// connection counts as status 0 (Edge not listening yet); an exited Edge fails at once, with its output.
    /// </summary>
    /// <param name="what">What the test waits for, for the timeout's message ("b is back").</param>
    public Task<(int Status, string Body)> WaitForAnswerAsync(string host, string path, Func<(int Status, string Body), bool> accept,
        string what, TimeSpan? timeout = null)
    {
        async Task<(int Status, string Body)> Sample()
        {
            ThrowIfExited();
            try { return await FetchAsync(host, path); }
            catch (HttpRequestException e) { return (0, e.Message); }
        }
        return Eventually.UntilAsync(Sample, accept, timeout ?? TimeSpan.FromSeconds(10),
            last => $"{host}{path}: {what}; last answer {last.Status} \"{Shorten(last.Body)}\"; edge output:\n{Output}");
    }

    /// <summary>Waits until host+path no longer answers 404 (the route is served).</summary>
    public Task WaitForRouteAsync(string host, string path, TimeSpan? timeout = null) =>
        WaitForAnswerAsync(host, path, a => a.Status is not (404 or 0), "route never served", timeout);

    /// <summary>Waits until host+path answers <paramref name="status"/>.</summary>
    public Task<(int Status, string Body)> WaitForStatusAsync(string host, string path, int status, TimeSpan? timeout = null) =>
        WaitForAnswerAsync(host, path, a => a.Status == status, $"never answered {status}", timeout);

    /// <summary>/api/rawdata, parsed.</summary>
    public async Task<JsonNode> RawDataAsync() => JsonNode.Parse(await GetStringAsync("/api/rawdata"))!;

    /// <summary>Polls until <paramref name="condition"/> holds on the parsed /api/rawdata and returns it.</summary>
    public async Task<JsonNode> WaitForRawDataJsonAsync(Func<JsonNode, bool> condition, TimeSpan? timeout = null)
    {
        JsonNode? last = null;
        await WaitForRawDataAsync(text => condition(last = JsonNode.Parse(text)!), timeout);
        return last!;
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
