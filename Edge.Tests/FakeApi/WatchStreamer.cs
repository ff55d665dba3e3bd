using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.FakeApi;

/// <summary>
/// Serves one ?watch=true request: a chunked application/json stream, one {"type","object"} event per
/// line, flushed as soon as the channel runs dry so clients see each event without buffering delay.
/// </summary>
internal static class WatchStreamer
{
    public static async Task RunAsync(HttpContext ctx, ObjectStore store, ApiRoute route, ObjectFilter filter,
        FakeApiServerOptions options)
    {
        var q = ctx.Request.Query;
        var bookmarks = q["allowWatchBookmarks"] == "true";
        var sendInitialEvents = q["sendInitialEvents"] == "true";
        int? timeoutSeconds = int.TryParse(q["timeoutSeconds"], out var t) && t > 0 ? t : null;

        WatchSubscription sub;
        try
        {
            sub = store.Watch(route.Type, filter, q["resourceVersion"], sendInitialEvents, bookmarks);
        }
        catch (ApiException e) when (e.Code == 410 && options.ExpiredWatchMode == ExpiredWatchMode.ErrorEvent)
        {
            StartStream(ctx);
            WriteEvent(ctx, "ERROR", System.Text.Encoding.UTF8.GetBytes(e.Status.ToJsonString()));
            await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
            return;
        }

        using var _ = sub;
        using var timeout = timeoutSeconds is { } s ? new CancellationTokenSource(TimeSpan.FromSeconds(s)) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, sub.Dropped, timeout.Token);
        var bookmarkLoop = bookmarks ? BookmarkLoopAsync(store, sub, options.BookmarkInterval, linked.Token) : Task.CompletedTask;
        try
        {
            StartStream(ctx);
            await ctx.Response.BodyWriter.FlushAsync(linked.Token); // headers go out now, as the apiserver does
            var reader = sub.Channel.Reader;
            while (await reader.WaitToReadAsync(linked.Token))
            {
                while (reader.TryRead(out var item)) WriteEvent(ctx, item.Type, item.Object);
                var flush = await ctx.Response.BodyWriter.FlushAsync(linked.Token);
                if (flush.IsCompleted || flush.IsCanceled) break;
            }
        }
        catch (OperationCanceledException)
        {
            // timeoutSeconds elapsed (clean end of stream), the client left, or the test dropped the watch.
        }
        finally
        {
            store.Unwatch(sub);
            await linked.CancelAsync(); // also stops the bookmark loop when the client simply went away
            await bookmarkLoop;
        }

        // A dropped watch must look like a broken connection, not a clean end, so clients exercise their retry path.
        if (sub.Dropped.IsCancellationRequested) ctx.Abort();
    }

    private static void StartStream(HttpContext ctx)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
    }

    private static void WriteEvent(HttpContext ctx, string type, byte[] obj)
    {
        using (var writer = new Utf8JsonWriter(ctx.Response.BodyWriter, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            writer.WriteRawValue(obj, skipInputValidation: true);
            writer.WriteEndObject();
        }
        ctx.Response.BodyWriter.Write("\n"u8);
    }

    private static async Task BookmarkLoopAsync(ObjectStore store, WatchSubscription sub, TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) store.EnqueueBookmark(sub);
        }
        catch (OperationCanceledException)
        {
            // the watch ended
        }
    }
}
