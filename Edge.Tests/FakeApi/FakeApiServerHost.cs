using System.Runtime.InteropServices;

namespace Edge.Tests.FakeApi;

/// <summary>
/// Runs the fake apiserver as a process of its own (benchmarks, manual runs against a built Edge):
/// <c>Edge.Tests fake-apiserver --port 6443 --manifests DIR [--token T] [--tls --ca-file PATH]
/// [--bookmark-interval SECONDS] [--history N]</c>.
/// Not wired into startup: TUnit generates Main, and a module initializer would have to block the whole
/// server run inside the module constructor, where other threads touching this assembly may wait on it
/// (class-initialization rules), so it is a deadlock risk rather than a shortcut. To use it, either
/// set GenerateTestingPlatformEntryPoint=false and dispatch on args[0] in a hand-written Main, or call it
/// from a small console project that references Edge.Tests.
/// </summary>
public static class FakeApiServerHost
{
    public static Task<int> RunStandaloneAsync(string[] args) => RunStandaloneAsync(args, null, CancellationToken.None);

    /// <summary>Serves until SIGINT/SIGTERM or <paramref name="stop"/>; <paramref name="started"/> sees the live server.</summary>
    public static async Task<int> RunStandaloneAsync(string[] args, Action<FakeApiServer>? started, CancellationToken stop)
    {
        var argList = args.SkipWhile(a => a == "fake-apiserver").ToList();
        string? Arg(string name)
        {
            var i = argList.IndexOf(name);
            return i >= 0 && i + 1 < argList.Count ? argList[i + 1] : null;
        }

        var options = new FakeApiServerOptions
        {
            Port = int.TryParse(Arg("--port"), out var port) ? port : 0,
            BearerToken = Arg("--token"),
            Tls = argList.Contains("--tls"),
            BookmarkInterval = double.TryParse(Arg("--bookmark-interval"), out var b) ? TimeSpan.FromSeconds(b) : TimeSpan.FromSeconds(1),
            HistoryLimit = int.TryParse(Arg("--history"), out var h) ? h : 10_000,
        };
        await using var server = await FakeApiServer.StartAsync(options);
        var loaded = 0;
        if (Arg("--manifests") is { } dir)
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*.y*ml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                loaded += server.LoadYaml(await File.ReadAllTextAsync(file, stop));
        }
        if (Arg("--ca-file") is { } caFile) server.WriteCaFile(caFile);

        Console.WriteLine($"fake-apiserver listening on {server.Url} ({loaded} objects, resourceVersion {server.ResourceVersion}, " +
            $"{server.IgnoredObjects.Count} manifests of unserved kinds ignored)");
        started?.Invoke(server);

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext c)
        {
            c.Cancel = true; // shut down cleanly instead of being killed
            done.TrySetResult();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        await using var registration = stop.Register(() => done.TrySetResult());
        await done.Task;
        return 0;
    }
}
