using System.Text.Json.Nodes;
using Edge.Configuration;
using Edge.Providers.Kubernetes.Client;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.Providers.Kubernetes.Client;

/// <summary>
/// The list-then-watch loop against the fake API server in process: what the informer holds
/// (<c>Items</c>, <c>Synced</c>) after paged lists, watch events, expired histories, cut watches,
/// refused kinds and label selectors; and that bookmarks spare it a relist.
/// </summary>
public class ResourceInformerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>An informer on one kind, running until disposed; counts the onChange signals.</summary>
    private sealed class Running<T, TList> : IAsyncDisposable
        where T : class, k8s.IKubernetesObject<V1ObjectMeta>
        where TList : class
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly KubeApi _kube;
        private readonly Task _loop;
        private int _changes;

        public Running(FakeApiServer api, ResourceKind<T, TList> kind, string? ns, string? labelSelector)
        {
            // As the host builds it from --providers.kubernetesingress.endpoint; no environment, so no in-cluster or KUBECONFIG client.
            _kube = new KubeApi(KubeClientFactory.BuildConfiguration(new ProviderOptions { Endpoint = api.Url }, _ => null));
            Informer = new ResourceInformer<T, TList>(_kube, kind, ns, labelSelector, () => Interlocked.Increment(ref _changes));
            _loop = Informer.RunAsync(_stop.Token);
        }

        public ResourceInformer<T, TList> Informer { get; }

        public int Changes => Volatile.Read(ref _changes);

        public List<string> Names() => Informer.Items.Select(i => $"{i.Metadata.NamespaceProperty}/{i.Metadata.Name}").Order(StringComparer.Ordinal).ToList();

        public string Describe() => $"synced={Informer.Synced}, changes={Changes}, items=[{string.Join(",", Names().Take(20))}] ({Informer.Count})";

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop.WaitAsync(Wait);   // RunAsync returns on cancellation instead of throwing
            _kube.Dispose();
            _stop.Dispose();
        }
    }

    private static Running<V1Service, V1ServiceList> Services(FakeApiServer api, string? ns = null, string? labelSelector = null) =>
        new(api, ResourceKinds.Service, ns, labelSelector);

    private static V1Service Service(string ns, string name, int port = 80, Dictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1", Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = port, Name = "http" }] },
    };

    private static IEnumerable<RecordedRequest> Lists(FakeApiServer api, string pathSuffix = "/services") =>
        api.Requests.Where(r => r.Method == "GET" && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal) && !r.Query.Contains("watch=true"));

    private static IEnumerable<RecordedRequest> Watches(FakeApiServer api, string pathSuffix = "/services") =>
        api.Requests.Where(r => r.Method == "GET" && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal) && r.Query.Contains("watch=true"));

    [Test]
    public async Task A_list_longer_than_one_page_is_read_whole_before_Synced()
    {
        await using var api = await FakeApiServer.StartAsync();
        // The informer asks for pages of 500: 1,201 objects take three pages.
        for (var i = 0; i < 1201; i++) api.Upsert(Service("default", $"svc-{i:D4}"));
        await using var run = Services(api);
        await Eventually.UntilAsync(() => run.Informer.Synced, Wait, run.Describe);

        await Assert.That(run.Informer.Count).IsEqualTo(1201);
        await Assert.That(run.Names().First()).IsEqualTo("default/svc-0000");
        await Assert.That(run.Names().Last()).IsEqualTo("default/svc-1200");
        var lists = Lists(api).ToList();
        await Assert.That(lists.Count).IsEqualTo(3);
        await Assert.That(lists.Count(l => l.Query.Contains("continue="))).IsEqualTo(2).Because("pages after the first follow the continue token");
        await Assert.That(run.Changes).IsGreaterThanOrEqualTo(1);
    }

    [Test]
    public async Task Watch_events_add_modify_and_delete_items_and_signal_each_change()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.Upsert(Service("default", "web"));
        await using var run = Services(api);
        await Eventually.UntilAsync(() => run.Informer.Synced && api.OpenWatchCount == 1, Wait, run.Describe);
        var afterList = run.Changes;

        api.Upsert(Service("default", "api"));
        await Eventually.UntilAsync(() => run.Names().Contains("default/api"), Wait, run.Describe);
        await Assert.That(run.Changes).IsGreaterThan(afterList);

        var beforeModify = run.Changes;
        api.Upsert(Service("default", "web", port: 8080));
        await Eventually.UntilAsync(() => run.Informer.Items.Any(s => s.Metadata.Name == "web" && s.Spec.Ports[0].Port == 8080), Wait, run.Describe);
        await Assert.That(run.Changes).IsGreaterThan(beforeModify);

        var beforeDelete = run.Changes;
        api.Delete<V1Service>("default", "api");
        await Eventually.UntilAsync(() => !run.Names().Contains("default/api"), Wait, run.Describe);
        await Assert.That(run.Changes).IsGreaterThan(beforeDelete);
        await Assert.That(string.Join(",", run.Names())).IsEqualTo("default/web");
        await Assert.That(Lists(api).Count()).IsEqualTo(1).Because("events arrive on the watch; nothing is relisted");
    }

    [Test]
    public async Task An_expired_history_is_relisted_and_changes_made_meanwhile_are_not_lost()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.Upsert(Service("default", "kept"));
        api.Upsert(Service("default", "removed"));
        await using var run = Services(api);
        await Eventually.UntilAsync(() => run.Informer.Synced && api.OpenWatchCount == 1, Wait, run.Describe);

        // While the server is away: one object added, one deleted, one changed; then the history is
        // forgotten, so resuming from the informer's resourceVersion gets 410 Gone (as an ERROR event,
        // like the apiserver). Stopped rather than watches dropped: no watch can resume before the expiry.
        await api.StopAsync();
        api.Upsert(Service("default", "added"));
        api.Delete<V1Service>("default", "removed");
        api.Upsert(Service("default", "kept", port: 9090));
        api.ExpireHistory();
        await api.RestartAsync();

        await Eventually.UntilAsync(() => string.Join(",", run.Names()) == "default/added,default/kept", Wait, run.Describe);
        await Assert.That(run.Informer.Items.Single(s => s.Metadata.Name == "kept").Spec.Ports[0].Port).IsEqualTo(9090);
        await Assert.That(Lists(api).Count()).IsEqualTo(2).Because("410 Gone means relist");
    }

    [Test]
    public async Task A_410_answered_as_HTTP_status_is_relisted_too()
    {
        await using var api = await FakeApiServer.StartAsync(new FakeApiServerOptions { ExpiredWatchMode = ExpiredWatchMode.HttpGone });
        api.Upsert(Service("default", "removed"));
        await using var run = Services(api);
        await Eventually.UntilAsync(() => run.Informer.Synced && api.OpenWatchCount == 1, Wait, run.Describe);

        await api.StopAsync();
        api.Delete<V1Service>("default", "removed");
        api.Upsert(Service("default", "added"));
        api.ExpireHistory();
        await api.RestartAsync();

        await Eventually.UntilAsync(() => string.Join(",", run.Names()) == "default/added", Wait, run.Describe);
        await Assert.That(Lists(api).Count()).IsEqualTo(2);
    }

    [Test]
    public async Task A_cut_watch_is_reopened_from_where_it_stopped_without_a_relist()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.Upsert(Service("default", "web"));
        await using var run = Services(api);
        await Eventually.UntilAsync(() => run.Informer.Synced && api.OpenWatchCount == 1, Wait, run.Describe);

        api.DropAllWatches();
        api.Upsert(Service("default", "during-outage"));   // kept in the history: the resumed watch replays it if it opens later
        await Eventually.UntilAsync(() => run.Names().Contains("default/during-outage"), Wait, run.Describe);
        await Eventually.UntilAsync(() => api.OpenWatchCount == 1, Wait, () => $"open watches: {api.OpenWatchCount}");

        api.Upsert(Service("default", "after-reconnect"));
        await Eventually.UntilAsync(() => run.Names().Contains("default/after-reconnect"), Wait, run.Describe);
        await Assert.That(Watches(api).Count()).IsGreaterThanOrEqualTo(2);
        await Assert.That(Lists(api).Count()).IsEqualTo(1).Because("a resumable watch needs no relist");
    }

    [Test]
    [Arguments(403)]
    [Arguments(404)]
    public async Task A_kind_the_server_refuses_is_Synced_as_empty_and_retried(int status)
    {
        await using var api = await FakeApiServer.StartAsync();
        // 403: no RBAC for the kind; 404: its CustomResourceDefinition is not installed.
        api.FailRequestsTo("/middlewares", status);
        await using var run = new Running<TraefikMiddleware, TraefikMiddlewareList>(api, ResourceKinds.Middleware, null, null);
        await Eventually.UntilAsync(() => run.Informer.Synced, Wait, run.Describe);
        await Assert.That(run.Informer.Count).IsEqualTo(0);
        await Assert.That(run.Changes).IsGreaterThanOrEqualTo(1).Because("the cache that waits for every informer must hear that this one is synced");

        // The permission (or the CRD) arrives: the next retry, at most MaxBackoff later, lists it.
        api.UpsertJson(new JsonObject
        {
            ["apiVersion"] = "traefik.io/v1alpha1", ["kind"] = "Middleware",
            ["metadata"] = new JsonObject { ["name"] = "auth", ["namespace"] = "default" },
            ["spec"] = new JsonObject { ["basicAuth"] = new JsonObject { ["secret"] = "users" } },
        });
        api.FailRequestsTo(null);
        await Eventually.UntilAsync(() => run.Names().Contains("default/auth"), ResourceInformer<TraefikMiddleware, TraefikMiddlewareList>.MaxBackoff + Wait, run.Describe);
    }

    [Test]
    public async Task A_label_selector_limits_the_list_and_the_watch()
    {
        await using var api = await FakeApiServer.StartAsync();
        var edge = new Dictionary<string, string> { ["app"] = "edge" };
        var other = new Dictionary<string, string> { ["app"] = "other" };
        api.Upsert(Service("default", "listed", labels: edge));
        api.Upsert(Service("default", "not-listed", labels: other));
        await using var run = Services(api, labelSelector: "app=edge");
        await Eventually.UntilAsync(() => run.Informer.Synced && api.OpenWatchCount == 1, Wait, run.Describe);
        await Assert.That(string.Join(",", run.Names())).IsEqualTo("default/listed");

        api.Upsert(Service("default", "watched-other", labels: other));
        api.Upsert(Service("default", "watched", labels: edge));   // after the other: once seen, the other was skipped
        await Eventually.UntilAsync(() => run.Names().Contains("default/watched"), Wait, run.Describe);
        await Assert.That(string.Join(",", run.Names())).IsEqualTo("default/listed,default/watched");

        // A label change that leaves the selector removes the object.
        api.Upsert(Service("default", "listed", labels: other));
        await Eventually.UntilAsync(() => !run.Names().Contains("default/listed"), Wait, run.Describe);
        await Assert.That(string.Join(",", run.Names())).IsEqualTo("default/watched");
        await Assert.That(api.Requests.Where(r => r.Path.EndsWith("/services")).All(r => r.Query.Contains("labelSelector=app%3Dedge"))).IsTrue();
    }

    [Test]
    public async Task A_namespaced_informer_sees_only_its_namespace()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.Upsert(Service("team-a", "web"));
        api.Upsert(Service("team-b", "web"));
        await using var run = Services(api, ns: "team-a");
        await Eventually.UntilAsync(() => run.Informer.Synced && api.OpenWatchCount == 1, Wait, run.Describe);
        api.Upsert(Service("team-b", "api"));
        api.Upsert(Service("team-a", "api"));
        await Eventually.UntilAsync(() => run.Names().Contains("team-a/api"), Wait, run.Describe);
        await Assert.That(string.Join(",", run.Names())).IsEqualTo("team-a/api,team-a/web");
        await Assert.That(run.Informer.Description).IsEqualTo("services in namespace team-a");
    }

    [Test]
    public async Task Bookmarks_move_the_resourceVersion_so_an_expired_history_needs_no_relist()
    {
        await using var api = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(50) });
        api.Upsert(Service("default", "web"));
        await using var run = Services(api);
        await Eventually.UntilAsync(() => run.Informer.Synced && api.OpenWatchCount == 1, Wait, run.Describe);

        // Writes to another kind move the server's resourceVersion; no Service event carries it, only bookmarks do.
        for (var i = 0; i < 3; i++)
            api.Upsert(new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = $"s{i}", NamespaceProperty = "default" } });
        var latest = api.ResourceVersion.ToString();

        // Cut the watch until it comes back from the bookmark's resourceVersion (each watch lives long enough for several bookmarks).
        await Eventually.UntilAsync(() =>
        {
            var resumed = Watches(api).Any(w => w.Query.Contains("resourceVersion=" + latest + "&"));
            if (!resumed) api.DropAllWatches();
            return Task.FromResult(resumed);
        }, Wait, () => $"no watch from resourceVersion {latest}: {string.Join(" | ", Watches(api).Select(w => w.Query))}", TimeSpan.FromMilliseconds(500));

        // The history before the bookmark is forgotten: a watch from the listed resourceVersion would get 410.
        await Eventually.UntilAsync(() => api.OpenWatchCount == 1, Wait, () => $"open watches: {api.OpenWatchCount}");
        api.ExpireHistory();
        var watchesBefore = Watches(api).Count();
        api.DropAllWatches();
        await Eventually.UntilAsync(() => Watches(api).Count() > watchesBefore && api.OpenWatchCount == 1, Wait, () => $"open watches: {api.OpenWatchCount}");
        api.Upsert(Service("default", "api"));
        await Eventually.UntilAsync(() => run.Names().Contains("default/api"), Wait, run.Describe);
        await Assert.That(Lists(api).Count()).IsEqualTo(1).Because("the bookmark's resourceVersion is within the history that is left");
    }
}
