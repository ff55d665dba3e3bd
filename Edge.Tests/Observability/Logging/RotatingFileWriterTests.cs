using System.IO.Compression;
using Edge.Observability.Logging;

namespace Edge.Tests.Observability.Logging;

/// <summary>log.filePath rotation with lumberjack's rules (what Traefik uses): size, backup names, count, age, gzip.</summary>
public class RotatingFileWriterTests
{
    private static string TempLog() => Path.Combine(Directory.CreateTempSubdirectory("edge-log-").FullName, "edge.log");

    [Test]
    public async Task A_line_that_would_pass_maxSize_starts_a_new_file_and_the_old_one_is_kept_by_time()
    {
        var path = TempLog();
        var clock = new DateTime(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc);
        using (var w = new RotatingFileWriter(path, 1, 0, 0, compress: false, () => clock))
        {
            var line = new string('x', 400 * 1024);
            w.WriteLine(line);
            w.WriteLine(line);           // 800 KiB: still under 1 MiB
            w.WriteLine("third " + line); // would pass 1 MiB: rotated first
            w.Flush();
            await Assert.That(w.Backups().Select(f => Path.GetFileName(f))).IsEquivalentTo(["edge-2026-12-03T10-00-00.000.log"]);
        }
        var backup = Path.Combine(Path.GetDirectoryName(path)!, "edge-2026-12-03T10-00-00.000.log");
        await Assert.That(File.ReadAllLines(backup).Length).IsEqualTo(2);
        await Assert.That(File.ReadAllText(path)).StartsWith("third ");
    }

    [Test]
    public async Task MaxBackups_keeps_the_newest_and_compress_gzips_them()
    {
        var path = TempLog();
        var clock = new DateTime(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc);
        using var w = new RotatingFileWriter(path, 1, maxBackups: 2, maxAgeDays: 0, compress: true, () => clock);
        var big = new string('y', 700 * 1024);
        for (int i = 0; i < 5; i++)
        {
            w.WriteLine($"{i} {big}");
            clock = clock.AddSeconds(1);
        }
        var backups = w.Backups().Select(f => Path.GetFileName(f)).ToList();
        await Assert.That(backups).IsEquivalentTo(["edge-2026-12-03T10-00-04.000.log.gz", "edge-2026-12-03T10-00-03.000.log.gz"]);
        await using var gz = new GZipStream(File.OpenRead(Path.Combine(Path.GetDirectoryName(path)!, backups[0])), CompressionMode.Decompress);
        await Assert.That(new StreamReader(gz).ReadToEnd()).StartsWith("3 ");
    }

    [Test]
    public async Task An_existing_file_is_appended_to_and_counts_toward_maxSize()
    {
        var path = TempLog();
        await File.WriteAllTextAsync(path, new string('z', 1024 * 1024 - 10) + "\n");
        using (var w = new RotatingFileWriter(path, 1, 0, 0, compress: false))
        {
            w.WriteLine("this line does not fit");
            w.Flush();
            await Assert.That(w.Backups().Count).IsEqualTo(1);
        }
        await Assert.That(File.ReadAllText(path)).IsEqualTo("this line does not fit\n");
    }
}
