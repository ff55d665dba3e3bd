using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// Connection middleware (after TLS, so it sees plaintext): passes every byte Kestrel reads through
/// an <see cref="Http1FramingScanner"/>. The request handler asks <see cref="RejectionFor"/> with the
/// connection id; the request whose framing or header syntax the scanner rejected is answered
/// 400 (501) and its connection closed before any byte reaches a backend. Costs one scan of the
/// header bytes and a counter per body; HTTP/2 connections are not scanned.
/// </summary>
public static class Http1FramingGuard
{
    private sealed class Entry
    {
        public readonly Http1FramingScanner Scanner = new();
        public int Started;     // requests handed to the application on this connection
    }

    private static readonly ConcurrentDictionary<string, Entry> Connections = new(StringComparer.Ordinal);

    /// <summary>HTTP/1 connections being scanned now (for /debug/vars).</summary>
    public static int ConnectionCount => Connections.Count;

    public static async Task OnConnectionAsync(ConnectionContext ctx, ConnectionDelegate next)
    {
        var alpn = ctx.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol;
        if (alpn is { Length: > 0 } p && p.Span.SequenceEqual("h2"u8))
        {
            await next(ctx);
            return;
        }
        var entry = new Entry();
        Connections[ctx.ConnectionId] = entry;
        var original = ctx.Transport;
        ctx.Transport = new DuplexPipe(new ScanningReader(original.Input, entry.Scanner), original.Output);
        try
        {
            await next(ctx);
        }
        finally
        {
            ctx.Transport = original;
            Connections.TryRemove(ctx.ConnectionId, out _);
        }
    }

    /// <summary>
    /// Called once per HTTP/1 request by the handler: the status to answer this request with
    /// instead of forwarding it (400, or 501 for an unknown transfer coding), or 0.
    /// </summary>
    public static int RejectionFor(string connectionId, out string? reason)
    {
        reason = null;
        if (!Connections.TryGetValue(connectionId, out var e)) return 0;
        int index = Interlocked.Increment(ref e.Started);
        var scanner = e.Scanner;
        if (scanner.RejectedRequest == 0 || scanner.RejectedRequest != index) return 0;
        reason = scanner.RejectReason;
        return scanner.RejectStatus;
    }

    /// <summary>The connection became a WebSocket tunnel: its bytes are no longer HTTP requests.</summary>
    public static void MarkUpgraded(string connectionId)
    {
        if (Connections.TryGetValue(connectionId, out var e)) e.Scanner.Stop();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>Scans each byte once: remembers how much of the last buffer it has seen across AdvanceTo.</summary>
    private sealed class ScanningReader(PipeReader inner, Http1FramingScanner scanner) : PipeReader
    {
        private long _scanned;   // bytes at the start of the current buffer already scanned
        private System.Buffers.ReadOnlySequence<byte> _last;

        private ReadResult Observe(ReadResult result)
        {
            _last = result.Buffer;
            if (!scanner.Stopped && result.Buffer.Length > _scanned)
                scanner.Scan(result.Buffer.Slice(_scanned));
            _scanned = result.Buffer.Length;
            return result;
        }

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Observe(await inner.ReadAsync(cancellationToken).ConfigureAwait(false));

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result)) return false;
            result = Observe(result);
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            _scanned -= _last.Slice(0, consumed).Length;
            _last = default;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
