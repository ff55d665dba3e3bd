using System.Diagnostics;
using System.Text;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The published binary (artifacts/edge) started as a process on loopback ports, its output
/// captured; disposed by SIGTERM to its own PID, then killed if it does not exit.
/// </summary>
public sealed partial class EdgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    public int WebPort { get; }
    public int ApiPort { get; }
    /// <summary>No cookie container: tests see and send cookies explicitly.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private EdgeProcess(Process p, int webPort, int apiPort)
    {
        _process = p; WebPort = webPort; ApiPort = apiPort;
    }

    public int Pid => _process.Id;
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string ApiUrl => $"http://127.0.0.1:{ApiPort}";
    public string WebUrl => $"http://127.0.0.1:{WebPort}";

    /// <summary>Starts edge with a web and a traefik entry point on free loopback ports plus <paramref name="args"/>.</summary>
    public static Task<EdgeProcess> StartAsync(IEnumerable<string> args, IDictionary<string, string>? env = null, bool waitForPing = true)
    {
        int web = FreePort.Get(), api = FreePort.Get();
        string[] standard = [$"--entrypoints.web.address=127.0.0.1:{web}", $"--entrypoints.traefik.address=127.0.0.1:{api}", "--api.insecure=true", "--ping=true"];
        return StartExactAsync([.. standard, .. args], web, api, env, waitForPing);
    }

    /// <summary>
    /// Starts edge with exactly <paramref name="args"/> (no entry points added): for argument lists
    /// written by someone else, such as Traefik's Helm chart. <paramref name="webPort"/> and
    /// <paramref name="apiPort"/> are where those arguments put the web and the traefik entry points.
    /// </summary>
    public static async Task<EdgeProcess> StartExactAsync(IEnumerable<string> args, int webPort, int apiPort, IDictionary<string, string>? env = null, bool waitForPing = true)
    {
        int web = webPort, api = apiPort;
        var psi = new ProcessStartInfo(RepoPaths.EdgeBinary)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The child sees only what the test gives it: no in-cluster variables, no KUBECONFIG.
        psi.Environment.Remove("KUBERNETES_SERVICE_HOST");
        psi.Environment.Remove("KUBERNETES_SERVICE_PORT");
        psi.Environment.Remove("KUBECONFIG");
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("TRAEFIK_") || k.StartsWith("EDGE_")).ToList()) psi.Environment.Remove(k);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start edge");
        var e = new EdgeProcess(p, web, api);
        p.OutputDataReceived += (_, d) => { if (d.Data is not null) lock (e._output) e._output.AppendLine(d.Data); };
        p.ErrorDataReceived += (_, d) => { if (d.Data is not null) lock (e._output) e._output.AppendLine(d.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (waitForPing) await e.WaitForPingAsync();
        return e;
    }

    public Task WaitForPingAsync(TimeSpan? timeout = null) =>
        Eventually.UntilAsync(async () => { ThrowIfExited(); return await PingStatusAsync() is >= 200 and < 300; },
            timeout ?? TimeSpan.FromSeconds(10), () => "edge did not answer /ping:\n" + Output);

    /// <summary>A dead edge will never answer: fail with its output at once instead of at the timeout.</summary>
    internal void ThrowIfExited()
    {
        if (_process.HasExited) throw new InvalidOperationException($"edge exited with {_process.ExitCode}:\n{Output}");
    }

    /// <summary>/ping's status code, or null while nothing answers (not listening yet, or gone).</summary>
    public async Task<int?> PingStatusAsync()
    {
        try
        {
            using var r = await Http.GetAsync(ApiUrl + "/ping");
            return (int)r.StatusCode;
        }
        catch (HttpRequestException) { return null; }
    }

    /// <summary>Waits until /ping answers at all (any status): the entry points listen.</summary>
    public async Task<int> WaitForPingAnswerAsync(TimeSpan? timeout = null) =>
        (await Eventually.UntilAsync(() => { ThrowIfExited(); return PingStatusAsync(); }, code => code is not null,
            timeout ?? TimeSpan.FromSeconds(10), _ => "edge never answered /ping:\n" + Output))!.Value;

    public Task<string> GetStringAsync(string pathOnApi) => Http.GetStringAsync(ApiUrl + pathOnApi);

    /// <summary>Polls until <paramref name="condition"/> holds on /api/rawdata; returns the elapsed time.</summary>
    public async Task<TimeSpan> WaitForRawDataAsync(Func<string, bool> condition, TimeSpan? timeout = null)
    {
        var sw = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        string last = "";
        await Eventually.UntilAsync(async () =>
        {
            try { last = await GetStringAsync("/api/rawdata"); }
            catch (HttpRequestException) { return false; }
            return condition(last);
        }, limit, () => $"condition not met on /api/rawdata; last:\n{last}\nedge output:\n{Output}");
        return sw.Elapsed;
    }

    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            // SIGTERM to our own child only.
            Signals.Terminate(_process.Id);
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(); await _process.WaitForExitAsync(); }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Http.Dispose();
    }
}
