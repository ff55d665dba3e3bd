using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Aggregation;
using Edge.Configuration;
using Edge.Model;
using Edge.Observability.Logging;

namespace Edge.Providers.Files;

/// <summary>
/// Traefik's file provider as a loop of its own: loads the file or directory at start, on SIGHUP,
/// and (with watch) on any change in the watched directory, and hands the whole configuration to
/// the aggregator as provider <c>file</c>. A load that fails (a file that does not parse) keeps
/// the previous configuration and logs an error naming the file, as Traefik does.
/// </summary>
/// <remarks>
/// The watcher is on the directory, not the file, and any event there triggers a load: editors
/// that save by writing a new file and renaming it over the old one, and Kubernetes ConfigMap
/// mounts (which swap the <c>..data</c> symlink), never write to the file itself. Events are
/// debounced, and a load that produced the same configuration as the last one is not handed over.
/// </remarks>
public sealed class FileProvider(FileProviderOptions options, ConfigurationAggregator aggregator)
{
    /// <summary>Events of one save come in bursts (create, write, rename); one load after the burst.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);

    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private HashSet<string> _loggedIssues = new(StringComparer.Ordinal);
    private string? _lastFingerprint;

    /// <summary>Asks for a load; never blocks.</summary>
    public void Signal() => _signal.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken ct)
    {
        using var watcher = options.Watch ? Watch() : null;
        // Traefik reloads the file provider on SIGHUP, watched or not.
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx => { ctx.Cancel = true; Signal(); });
        bool first = true;
        Signal();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _signal.Reader.ReadAsync(ct).ConfigureAwait(false);
                if (!first)
                {
                    await Task.Delay(Debounce, ct).ConfigureAwait(false);
                    _signal.Reader.TryRead(out _);
                }
                first = false;
                await ApplyOnceAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>One load; hands the configuration over unless it failed or is unchanged.</summary>
    public async Task ApplyOnceAsync(CancellationToken ct)
    {
        FileLoad load;
        try { load = FileConfigLoader.Load(options); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reader bug must not stop the loop: keep serving the last configuration.
            Log.Error("Error while building configuration, keeping the previous one", ("providerName", ProviderNames.File), ("error", e.ToString()));
            return;
        }
        if (load.Error is not null)
        {
            Log.Error("Error while building configuration, keeping the previous one", ("providerName", ProviderNames.File), ("error", load.Error));
            return;
        }
        var current = new HashSet<string>(load.Issues, StringComparer.Ordinal);
        foreach (var issue in load.Issues)
            if (!_loggedIssues.Contains(issue))
            {
                if (issue.EndsWith("already configured, skipping", StringComparison.Ordinal)) Log.Warn(issue, ("providerName", ProviderNames.File));
                else Log.Error(issue, ("providerName", ProviderNames.File));
            }
        _loggedIssues = current;

        var fingerprint = Fingerprint(load);
        if (fingerprint == _lastFingerprint) return;
        try
        {
            await aggregator.UpdateAsync(ProviderNames.File, load.Config!, load.Issues).WaitAsync(ct).ConfigureAwait(false);
            _lastFingerprint = fingerprint;
            Log.Debug("Configuration applied", ("providerName", ProviderNames.File), ("routers", load.Config!.Http.Routers.Count), ("services", load.Config.Http.Services.Count));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Debug("Configuration not applied", ("providerName", ProviderNames.File), ("error", e.Message));
        }
    }

    private FileSystemWatcher? Watch()
    {
        var directory = options.Directory.Length > 0 ? options.Directory : Path.GetDirectoryName(Path.GetFullPath(options.Filename))!;
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = options.Directory.Length > 0,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Signal();
            watcher.Created += (_, _) => Signal();
            watcher.Deleted += (_, _) => Signal();
            watcher.Renamed += (_, _) => Signal();
            // A lost event (queue overflow) may hide a change: load again.
            watcher.Error += (_, _) => Signal();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            Log.Error("Cannot watch the file provider's directory, changes are read on SIGHUP only", ("providerName", ProviderNames.File), ("directory", directory), ("error", e.Message));
            return null;
        }
    }

    /// <summary>The configuration as Traefik's JSON plus the problems (which carry what the JSON does not: disabled routers' reasons).</summary>
    private static string Fingerprint(FileLoad load)
    {
        var json = JsonSerializer.Serialize(load.Config!, ModelJsonContext.Default.DynamicConfig);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json + "\n" + string.Join("\n", load.Issues))));
    }
}
