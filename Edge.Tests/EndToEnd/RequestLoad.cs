using System.Net;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Clients sending GETs for one host to an Edge entry point without pause until stopped, each
/// answer counted as OK (200) or failed (any other status, or no answer): the load under which a
/// test changes the configuration or breaks the API server and then expects no failure.
/// </summary>
public sealed class RequestLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients;
    private int _ok, _failed;

    private RequestLoad(string url, string host, int clients)
    {
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(() => RunAsync(url, host))).ToList();
    }

    /// <summary>Starts <paramref name="clients"/> clients, each with its own connections, requesting <paramref name="url"/> with Host <paramref name="host"/>.</summary>
    public static RequestLoad Start(string url, string host, int clients) => new(url, host, clients);

    public int Ok => Volatile.Read(ref _ok);
    public int Failed => Volatile.Read(ref _failed);

    private async Task RunAsync(string url, string host)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var req = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Host = host } };
                using var r = await http.SendAsync(req);
                if (r.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref _ok); else Interlocked.Increment(ref _failed);
            }
            catch (HttpRequestException) { Interlocked.Increment(ref _failed); }
        }
    }

    /// <summary>Stops the clients and waits for the requests in flight; the counts are final after it.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
