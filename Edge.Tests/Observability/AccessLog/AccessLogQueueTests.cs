using System.Text;
using Edge.Configuration;
using Edge.Observability.AccessLog;
using Edge.Observability.Logging;
using Edge.Tests.Support;

namespace Edge.Tests.Observability.AccessLog;

/// <summary>
/// README "Access logs": a request never waits for the log. Entries go into a queue of
/// <c>bufferingSize</c> entries (at least 1024) drained by one writer; when it is full they are
/// dropped and a warning counts them. Checked with a writer that blocks until the test lets it go.
/// </summary>
// The process log (Log.Level, Log.Output) is static: no other test may swap it meanwhile.
[NotInParallel("process-log")]
public class AccessLogQueueTests
{
    /// <summary>A log file on a disk that stopped: the first write blocks until <see cref="Release"/>.</summary>
    private sealed class StuckWriter : TextWriter
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _lines;
        public override Encoding Encoding => Encoding.UTF8;
        public int Lines => Volatile.Read(ref _lines);
        public Task Entered => _entered.Task;
        public void Release() => _release.TrySetResult();

        public override async Task WriteLineAsync(string? value)
        {
            _entered.TrySetResult();
            await _release.Task;
            Interlocked.Increment(ref _lines);
        }

        public override Task FlushAsync() => Task.CompletedTask;
    }

    private static AccessLogEntry Entry(int i) => new() { Method = "GET", Path = "/q" + i, Status = 200, Start = DateTimeOffset.UtcNow };

    [Test]
    [Arguments(0, 1024)]      // Traefik's default bufferingSize 0: the queue keeps its floor
    [Arguments(3000, 3000)]
    public async Task A_full_queue_drops_entries_without_waiting_and_the_warning_counts_them(int bufferingSize, int capacity)
    {
        var savedLevel = Log.Level;
        var savedOutput = Log.Output;
        var processLog = new StringWriter();
        Log.Level = LogLevel.Warn;
        Log.Output = processLog;
        var stuck = new StuckWriter();
        var writer = new AccessLogWriter(new AccessLogOptions { Enabled = true, BufferingSize = bufferingSize }, stuck);
        try
        {
            writer.Enqueue(Entry(-1));
            await stuck.Entered.WaitAsync(TimeSpan.FromSeconds(10));   // the writer holds that entry, the queue is empty

            for (int i = 0; i < capacity; i++) writer.Enqueue(Entry(i));
            await Assert.That(writer.Dropped).IsEqualTo(0);
            const int overflow = 1001;
            for (int i = 0; i < overflow; i++) writer.Enqueue(Entry(capacity + i));   // returns at once although nothing drains
            await Assert.That(writer.Dropped).IsEqualTo(overflow);

            // One warning at the first drop and one per thousand after it, each with the running count.
            var warnings = processLog.ToString().Split('\n').Where(l => l.Contains("Access log queue full, dropping entries")).ToList();
            await Assert.That(warnings.Count).IsEqualTo(2);
            await Assert.That(warnings[0]).Contains(" WRN ").And.EndsWith("dropped=1");
            await Assert.That(warnings[1]).EndsWith("dropped=1001");

            stuck.Release();
            // Everything that was queued is written; the dropped entries are not.
            await Eventually.UntilAsync(() => stuck.Lines == capacity + 1, TimeSpan.FromSeconds(10), "the queued entries are written");
        }
        finally
        {
            stuck.Release();
            await writer.DisposeAsync();
            Log.Level = savedLevel;
            Log.Output = savedOutput;
        }
        await Assert.That(stuck.Lines).IsEqualTo(capacity + 1);
    }
}
