using System.Runtime.InteropServices;
using System.Threading.Channels;
using Edge.Configuration;
using Edge.Observability.Logging;

namespace Edge.Observability.AccessLog;

/// <summary>
/// The access log: requests enqueue an entry into a bounded channel (never waiting: when the
/// writer falls behind, entries are dropped and counted) and one background task formats and
/// writes them. SIGUSR1 reopens the file so that logrotate can move it away, as with Traefik.
/// </summary>
public sealed class AccessLogWriter : IAsyncDisposable
{
    // SIGUSR1 on Linux; PosixSignal has no named member for it, raw numbers are accepted.
    private const int SigUsr1 = 10;
    private readonly AccessLogOptions _options;
    private readonly Channel<AccessLogEntry> _channel;
    private readonly Task _pump;
    private readonly PosixSignalRegistration? _usr1;
    private TextWriter _out;
    // accessLog.perNamespaceDir: one writer per namespace, owned by the single pump task.
    private readonly Dictionary<string, TextWriter> _perNamespace = new(StringComparer.Ordinal);
    private const int MaxNamespaceFiles = 1024;
    private volatile bool _reopen;
    private long _dropped;

    public AccessLogWriter(AccessLogOptions options) : this(options, null) { }

    /// <param name="output">The main log's writer instead of <c>filePath</c> (tests hold the writer to fill the queue).</param>
    internal AccessLogWriter(AccessLogOptions options, TextWriter? output)
    {
        _options = options;
        Fields = new AccessLogFields(options);
        // bufferingSize is Traefik's line buffer; it only raises the queue bound here.
        // FullMode Wait, not DropWrite: with DropWrite TryWrite drops silently and returns true, so
        // nothing would count the drops. Nothing waits either: Enqueue only ever calls TryWrite.
        _channel = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(Math.Max(1024, options.BufferingSize))
        {
            SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
        });
        _out = output ?? Open();
        if (options.PerNamespaceDir.Length > 0) Directory.CreateDirectory(options.PerNamespaceDir);
        if ((options.FilePath.Length > 0 || options.PerNamespaceDir.Length > 0) && OperatingSystem.IsLinux())
            _usr1 = PosixSignalRegistration.Create((PosixSignal)SigUsr1, ctx => { ctx.Cancel = true; _reopen = true; _channel.Writer.TryWrite(Wakeup); });
        _pump = Task.Run(PumpAsync);
    }

    private static readonly AccessLogEntry Wakeup = new();

    public AccessLogFields Fields { get; }
    public long Dropped => Volatile.Read(ref _dropped);

    public void Enqueue(AccessLogEntry e)
    {
        if (!_channel.Writer.TryWrite(e))
        {
            if (Interlocked.Increment(ref _dropped) % 1000 == 1)
                Log.Warn("Access log queue full, dropping entries", ("dropped", Dropped));
        }
    }

    private TextWriter Open()
    {
        if (_options.FilePath.Length == 0) return Console.Out;
        var dir = Path.GetDirectoryName(Path.GetFullPath(_options.FilePath));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var fs = new FileStream(_options.FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 4096);
        return new StreamWriter(fs) { AutoFlush = false };
    }

    private async Task PumpAsync()
    {
        var reader = _channel.Reader;
        bool json = _options.Format == "json";
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_reopen)
            {
                _reopen = false;
                try
                {
                    var next = Open();
                    if (!ReferenceEquals(_out, Console.Out)) await _out.DisposeAsync().ConfigureAwait(false);
                    _out = next;
                }
                catch (IOException e) { Log.Error("Cannot reopen the access log", ("filePath", _options.FilePath), ("error", e.Message)); }
                await CloseNamespaceFilesAsync().ConfigureAwait(false);   // reopened on their next line
            }
            while (reader.TryRead(out var e))
            {
                if (ReferenceEquals(e, Wakeup)) continue;
                try { await OutputFor(e).WriteLineAsync(json ? AccessLogFormatter.Json(e, Fields) : AccessLogFormatter.Common(e, Fields)).ConfigureAwait(false); }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException) { Log.Error("Cannot write the access log", ("error", ex.Message)); }
            }
            // Flush once per drained batch: a burst costs one write, a lone request is visible at once.
            try { await _out.FlushAsync().ConfigureAwait(false); } catch (IOException) { }
            foreach (var w in _perNamespace.Values)
                try { await w.FlushAsync().ConfigureAwait(false); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Where a line goes: with perNamespaceDir, a request routed for a namespace goes to that
    /// namespace's file only (so a tenant can be handed its own file), everything else (404s,
    /// the API) to the main access log.
    /// </summary>
    private TextWriter OutputFor(AccessLogEntry e)
    {
        if (_options.PerNamespaceDir.Length == 0 || e.Namespace is not { Length: > 0 } ns || !IsDnsLabel(ns)) return _out;
        if (_perNamespace.TryGetValue(ns, out var w)) return w;
        if (_perNamespace.Count >= MaxNamespaceFiles) return _out;
        try
        {
            var fs = new FileStream(Path.Combine(_options.PerNamespaceDir, ns + ".log"), FileMode.Append, FileAccess.Write,
                FileShare.ReadWrite | FileShare.Delete, 4096);
            return _perNamespace[ns] = new StreamWriter(fs) { AutoFlush = false };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.Error("Cannot open the namespace access log", ("namespace", ns), ("dir", _options.PerNamespaceDir), ("error", ex.Message));
            return _out;
        }
    }

    // Namespace names are DNS labels; anything else never becomes a path.
    private static bool IsDnsLabel(string s) => s.Length <= 63 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    private async Task CloseNamespaceFilesAsync()
    {
        foreach (var w in _perNamespace.Values)
            try { await w.DisposeAsync().ConfigureAwait(false); } catch (IOException) { }
        _perNamespace.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        _usr1?.Dispose();
        _channel.Writer.TryComplete();
        try { await _pump.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); } catch (TimeoutException) { }
        if (!ReferenceEquals(_out, Console.Out)) await _out.DisposeAsync().ConfigureAwait(false);
        await CloseNamespaceFilesAsync().ConfigureAwait(false);
    }
}
