using System.IO.Compression;
using System.Text;

namespace Edge.Observability.Logging;

/// <summary>
/// log.filePath with log.maxSize / maxBackups / maxAge / compress, the rotation Traefik gets from
/// lumberjack: when the next line would take the file past maxSize megabytes (100 when 0), the
/// file is renamed to <c>name-2006-01-02T15-04-05.000.ext</c> (UTC), gzipped when compress is on,
/// and a new file started; rotated files beyond maxBackups (0 = all kept) or older than maxAge days
/// (0 = no limit) are removed. Callers serialise writes (<see cref="Log"/> holds its lock).
/// </summary>
public sealed class RotatingFileWriter : TextWriter
{
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _maxBackups;
    private readonly int _maxAgeDays;
    private readonly bool _compress;
    private readonly Func<DateTime> _now;
    private FileStream _file;
    private long _size;

    public RotatingFileWriter(string path, int maxSizeMegabytes, int maxBackups, int maxAgeDays, bool compress, Func<DateTime>? utcNow = null)
    {
        _path = Path.GetFullPath(path);
        _maxBytes = (maxSizeMegabytes > 0 ? maxSizeMegabytes : 100) * 1024L * 1024L;
        _maxBackups = maxBackups;
        _maxAgeDays = maxAgeDays;
        _compress = compress;
        _now = utcNow ?? (() => DateTime.UtcNow);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _file = Open();
    }

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        var bytes = Encoding.UTF8.GetBytes(value);
        if (_size > 0 && _size + bytes.Length > _maxBytes) Rotate();
        _file.Write(bytes);
        _size += bytes.Length;
    }

    public override void WriteLine(string? value) => Write((value ?? "") + "\n");

    public override void Flush() => _file.Flush();

    private FileStream Open()
    {
        var f = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _size = f.Length;
        return f;
    }

    private void Rotate()
    {
        _file.Dispose();
        var backup = BackupName(_now());
        File.Move(_path, backup);
        _file = Open();
        if (_compress) Compress(backup);
        Prune();
    }

    private string BackupName(DateTime utc)
    {
        var dir = Path.GetDirectoryName(_path)!;
        var ext = Path.GetExtension(_path);
        return Path.Combine(dir, $"{Path.GetFileNameWithoutExtension(_path)}-{utc:yyyy-MM-ddTHH-mm-ss.fff}{ext}");
    }

    private static void Compress(string file)
    {
        using (var source = File.OpenRead(file))
        using (var target = File.Create(file + ".gz"))
        using (var gzip = new GZipStream(target, CompressionLevel.Optimal))
            source.CopyTo(gzip);
        File.Delete(file);
    }

    /// <summary>The rotated files of this log, newest first (their names sort by time).</summary>
    public IReadOnlyList<string> Backups()
    {
        var dir = Path.GetDirectoryName(_path)!;
        var prefix = Path.GetFileNameWithoutExtension(_path) + "-";
        var ext = Path.GetExtension(_path);
        return Directory.EnumerateFiles(dir, prefix + "*")
            .Where(f => Path.GetFileName(f) is var n && (n.EndsWith(ext, StringComparison.Ordinal) || n.EndsWith(ext + ".gz", StringComparison.Ordinal)))
            .OrderByDescending(f => f, StringComparer.Ordinal)
            .ToList();
    }

    private void Prune()
    {
        var backups = Backups();
        var cutoff = _now().AddDays(-_maxAgeDays);
        for (int i = 0; i < backups.Count; i++)
        {
            bool tooMany = _maxBackups > 0 && i >= _maxBackups;
            bool tooOld = _maxAgeDays > 0 && File.GetLastWriteTimeUtc(backups[i]) < cutoff;
            if (tooMany || tooOld)
            {
                try { File.Delete(backups[i]); } catch (IOException) { /* next rotation retries */ }
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
