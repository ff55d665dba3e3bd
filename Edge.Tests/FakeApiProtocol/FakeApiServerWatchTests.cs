using System.Net;
using Edge.Tests.FakeApi;
using k8s;
using k8s.Models;
using static Edge.Tests.FakeApiProtocol.FakeApiTestSupport;

namespace Edge.Tests.FakeApiProtocol;

/// <summary>The fake apiserver's watch protocol, read raw from the real client's HttpClient.</summary>
public class FakeApiServerWatchTests
{
    private const string Ingresses = "/apis/networking.k8s.io/v1/namespaces/default/ingresses";

    [Test]
    public async Task Watch_from_a_list_rv_streams_added_modified_deleted_in_order()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Upsert(Ingress("default", "before"));
        using var client = Client(server);
        var listRv = (await client.NetworkingV1.ListNamespacedIngressAsync("default")).Metadata.ResourceVersion;

        await using var watch = await WatchLineReader.OpenAsync(client.HttpClient, WatchUrl(server, Ingresses, $"resourceVersion={listRv}"));
        server.Upsert(Ingress("default", "web"));
        server.Upsert(Ingress("default", "web", host: "b.example"));
        server.Upsert(Ingress("other", "elsewhere")); // other namespace: not for this watch
        server.Delete<V1Ingress>("default", "web");

        var events = new[] { await watch.NextAsync(), await watch.NextAsync(), await watch.NextAsync() };

        await Assert.That(watch.Response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(watch.Response.Content.Headers.ContentType!.MediaType).IsEqualTo("application/json");
        await Assert.That(watch.Response.Headers.TransferEncodingChunked).IsTrue();
        await Assert.That(string.Join(",", events.Select(e => $"{e!["type"]}:{Name(e)}"))).IsEqualTo("ADDED:web,MODIFIED:web,DELETED:web");
        await Assert.That((string?)events[1]!["object"]!["spec"]!["rules"]![0]!["host"]).IsEqualTo("b.example");
        var rvs = events.Select(e => long.Parse(Rv(e!))).ToArray();
        await Assert.That(rvs[0] > long.Parse(listRv) && rvs[1] > rvs[0] && rvs[2] > rvs[1]).IsTrue();
        await Assert.That(rvs[2]).IsEqualTo(server.ResourceVersion);
    }

    [Test]
    public async Task Watch_replays_history_after_the_given_rv_and_without_rv_starts_with_current_state()
    {
        await using var server = await FakeApiServer.StartAsync();
        var rv1 = server.Upsert(Ingress("default", "one"));
        server.Upsert(Ingress("default", "two"));
        server.Upsert(Ingress("default", "one", host: "changed.example"));
        using var client = Client(server);

        await using var replay = await WatchLineReader.OpenAsync(client.HttpClient, WatchUrl(server, Ingresses, $"resourceVersion={rv1}"));
        var replayed = new[] { await replay.NextAsync(), await replay.NextAsync() };
        await using var fresh = await WatchLineReader.OpenAsync(client.HttpClient, WatchUrl(server, Ingresses, ""));
        var initial = new[] { await fresh.NextAsync(), await fresh.NextAsync() };

        await Assert.That(string.Join(",", replayed.Select(e => $"{e!["type"]}:{Name(e)}"))).IsEqualTo("ADDED:two,MODIFIED:one");
        await Assert.That(string.Join(",", initial.Select(e => $"{e!["type"]}:{Name(e)}"))).IsEqualTo("ADDED:one,ADDED:two");
    }

    [Test]
    public async Task Bookmarks_arrive_only_when_allowed_and_carry_just_the_resourceVersion()
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        var rv = server.Upsert(Ingress("default", "web"));
        using var client = Client(server);

        await using var withBookmarks = await WatchLineReader.OpenAsync(client.HttpClient,
            WatchUrl(server, Ingresses, $"resourceVersion={rv}&allowWatchBookmarks=true"));
        await using var without = await WatchLineReader.OpenAsync(client.HttpClient, WatchUrl(server, Ingresses, $"resourceVersion={rv}"));
        var bookmark = await withBookmarks.NextAsync();
        server.Upsert(Ingress("default", "web", host: "b.example"));
        var plainFirst = await without.NextAsync();

        await Assert.That((string?)bookmark!["type"]).IsEqualTo("BOOKMARK");
        var obj = bookmark["object"]!.AsObject();
        await Assert.That((string?)obj["kind"]).IsEqualTo("Ingress");
        await Assert.That((string?)obj["apiVersion"]).IsEqualTo("networking.k8s.io/v1");
        await Assert.That(Rv(bookmark)).IsEqualTo(rv);
        await Assert.That(string.Join(",", obj.Select(p => p.Key))).IsEqualTo("kind,apiVersion,metadata");
        await Assert.That((string?)plainFirst!["type"]).IsEqualTo("MODIFIED");
        var next = await withBookmarks.NextNonBookmarkAsync();
        await Assert.That((string?)next!["type"]).IsEqualTo("MODIFIED");
    }

    [Test]
    public async Task Watch_from_a_forgotten_rv_gets_410_as_error_event_or_http_status()
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { HistoryLimit = 3 });
        await using var gone = await FakeApiServer.StartAsync(new FakeApiServerOptions { ExpiredWatchMode = ExpiredWatchMode.HttpGone });
        var rv1 = server.Upsert(Ingress("default", "a"));
        for (var i = 0; i < 4; i++) server.Upsert(Ingress("default", $"b{i}")); // pushes rv1's successors out of a history of 3
        using var client = Client(server);

        await using var tooOld = await WatchLineReader.OpenAsync(client.HttpClient, WatchUrl(server, Ingresses, $"resourceVersion={rv1}"));
        var error = await tooOld.NextAsync();
        var end = await tooOld.NextAsync();
        await using var recent = await WatchLineReader.OpenAsync(client.HttpClient,
            WatchUrl(server, Ingresses, $"resourceVersion={server.ResourceVersion - 3}"));
        var replayed = await recent.NextAsync();

        var goneRv1 = gone.Upsert(Ingress("default", "a"));
        var rv = gone.Upsert(Ingress("default", "b"));
        gone.ExpireHistory();
        using var goneClient = Client(gone);
        await using var expired = await WatchLineReader.OpenAsync(goneClient.HttpClient, WatchUrl(gone, Ingresses, $"resourceVersion={goneRv1}"));
        await using var current = await WatchLineReader.OpenAsync(goneClient.HttpClient, WatchUrl(gone, Ingresses, $"resourceVersion={rv}&timeoutSeconds=1"));

        await Assert.That((string?)error!["type"]).IsEqualTo("ERROR");
        await Assert.That((int?)error["object"]!["code"]).IsEqualTo(410);
        await Assert.That((string?)error["object"]!["reason"]).IsEqualTo("Expired");
        await Assert.That((string?)error["object"]!["kind"]).IsEqualTo("Status");
        await Assert.That(end).IsNull();
        await Assert.That(Name(replayed!)).IsEqualTo("b1");
        await Assert.That(expired.Response.StatusCode).IsEqualTo(HttpStatusCode.Gone);
        await Assert.That(current.Response.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    [Test]
    public async Task Label_selector_watch_turns_selection_exits_into_DELETED_and_entries_into_ADDED()
    {
        await using var server = await FakeApiServer.StartAsync();
        var web = new Dictionary<string, string> { ["app"] = "web" };
        var rv = server.Upsert(Ingress("default", "x", web));
        server.Upsert(Ingress("default", "y"));
        using var client = Client(server);

        await using var watch = await WatchLineReader.OpenAsync(client.HttpClient,
            WatchUrl(server, Ingresses, $"resourceVersion={rv}&labelSelector=app%3Dweb"));
        var leftRv = server.Upsert(Ingress("default", "x", new Dictionary<string, string> { ["app"] = "db" }));
        server.Upsert(Ingress("default", "y", web));
        server.Upsert(Ingress("default", "y", web, host: "c.example"));

        var events = new[] { await watch.NextAsync(), await watch.NextAsync(), await watch.NextAsync() };

        await Assert.That(string.Join(",", events.Select(e => $"{e!["type"]}:{Name(e)}"))).IsEqualTo("DELETED:x,ADDED:y,MODIFIED:y");
        // The exit is reported with the last matching content at the event's resourceVersion.
        await Assert.That((string?)events[0]!["object"]!["metadata"]!["labels"]!["app"]).IsEqualTo("web");
        await Assert.That(Rv(events[0]!)).IsEqualTo(leftRv);
    }

    [Test]
    public async Task TimeoutSeconds_ends_the_stream_cleanly_and_DropAllWatches_breaks_it()
    {
        await using var server = await FakeApiServer.StartAsync();
        var rv = server.Upsert(Ingress("default", "web"));
        using var client = Client(server);

        await using var timed = await WatchLineReader.OpenAsync(client.HttpClient, WatchUrl(server, Ingresses, $"resourceVersion={rv}&timeoutSeconds=1"));
        var started = DateTime.UtcNow;
        var end = await timed.NextAsync(TimeSpan.FromSeconds(10));
        var elapsed = DateTime.UtcNow - started;

        await using var dropped = await WatchLineReader.OpenAsync(client.HttpClient, WatchUrl(server, Ingresses, $"resourceVersion={rv}"));
        await WaitForAsync(() => server.OpenWatchCount == 1);
        server.DropAllWatches();

        await Assert.That(end).IsNull();
        await Assert.That(elapsed).IsLessThan(TimeSpan.FromSeconds(5));
        await Assert.That(async () => await dropped.NextAsync()).Throws<IOException>();
        await WaitForAsync(() => server.OpenWatchCount == 0);
        await Assert.That(server.OpenWatchCount).IsEqualTo(0);
    }

    [Test]
    public async Task SendInitialEvents_ends_the_initial_state_with_an_annotated_bookmark()
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMinutes(1) });
        server.Upsert(Ingress("default", "a"));
        server.Upsert(Ingress("default", "b"));
        using var client = Client(server);

        await using var watch = await WatchLineReader.OpenAsync(client.HttpClient, WatchUrl(server, Ingresses,
            "sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan"));
        var events = new[] { await watch.NextAsync(), await watch.NextAsync(), await watch.NextAsync() };

        await Assert.That(string.Join(",", events.Select(e => (string?)e!["type"]))).IsEqualTo("ADDED,ADDED,BOOKMARK");
        await Assert.That((string?)events[2]!["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]).IsEqualTo("true");
        await Assert.That(Rv(events[2]!)).IsEqualTo(server.ResourceVersion.ToString());
    }

    // The loop used to give up silently after 5 s and let the next assertion fail without saying why.
    private static Task WaitForAsync(Func<bool> condition) =>
        Edge.Tests.Support.Eventually.UntilAsync(condition, TimeSpan.FromSeconds(5), "the fake API server's watch state");
}
