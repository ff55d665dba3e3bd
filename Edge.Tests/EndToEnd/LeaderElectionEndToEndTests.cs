using System.Diagnostics;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Two replicas of artifacts/edge against one fake API server with --leaderelection.enabled:
/// exactly one holds the Lease and only it writes Ingress status (each replica authenticates with
/// its own token, so the API server's request log says who wrote); when the leader is killed the
/// other takes the Lease over within the lease duration and writes status for new Ingresses;
/// both route all the time.
/// </summary>
[NotInParallel("edge-e2e")]
public class LeaderElectionEndToEndTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    private static Task<EdgeProcess> Replica(FakeApiServer api, string name) => EdgeProcess.StartWithApiAsync(api,
    [
        $"--providers.kubernetesingress.token=token-{name}", "--providers.kubernetesingress.ingressendpoint.ip=203.0.113.7",
        "--leaderelection.enabled=true", "--leaderelection.namespace=edge-system",
        "--leaderelection.leaseduration=3s", "--leaderelection.renewdeadline=2s", "--leaderelection.retryperiod=250ms", "--log.level=DEBUG",
    ], new Dictionary<string, string> { ["POD_NAME"] = name });

    [Test]
    public async Task Only_the_lease_holder_writes_status_and_a_survivor_takes_over()
    {
        await using var api = await FakeApiServer.StartAsync();
        await using var backend = await EchoBackend.StartAsync("a", "127.0.0.2");
        api.Upsert(K8s.Service("default", "whoami", 80, "http"));
        api.Upsert(K8s.Slice("default", "whoami", backend.Port, "http", "127.0.0.2"));
        api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80));
        await using var one = await Replica(api, "replica-1");
        await using var two = await Replica(api, "replica-2");
        var replicas = new Dictionary<string, EdgeProcess> { ["replica-1"] = one, ["replica-2"] = two };

        var holder = await WaitForHolderAsync(api, _ => true);
        var leaderName = holder.Split('_')[0];
        var followerName = leaderName == "replica-1" ? "replica-2" : "replica-1";
        await WaitForStatusAsync(api, "app");
        foreach (var edge in replicas.Values) await AssertRoutesAsync(edge, "app.example.com");
        // Barrier: each replica applies changes one pass at a time, in order, and a pass makes its
        // status writes before the next one starts. Once the follower routes an Ingress created
        // after "app", its passes over "app" are over: a status write it must not make is recorded.
        api.Upsert(K8s.Ingress("default", "probe", "probe.example.com", "/", "whoami", 80));
        await WaitForStatusAsync(api, "probe");
        await AssertRoutesAsync(replicas[followerName], "probe.example.com");
        var writers = StatusWriters(api);
        await Assert.That(writers).IsEquivalentTo(new[] { "Bearer token-" + leaderName });

        // Kill the leader (no chance to release): the follower waits out the lease duration.
        var killedAt = Stopwatch.StartNew();
        Process.GetProcessById(replicas[leaderName].Pid).Kill();
        var next = await WaitForHolderAsync(api, h => h.StartsWith(followerName + "_", StringComparison.Ordinal));
        var handover = killedAt.Elapsed;
        // Taking over needs a lease duration without renewals, observed on the follower's own clock.
        await Assert.That(handover).IsLessThan(LeaseDuration + TimeSpan.FromSeconds(2));
        await Assert.That(api.Get<V1Lease>("edge-system", "edge")!.Spec.LeaseTransitions).IsEqualTo(1);

        var survivor = replicas[followerName];
        api.Upsert(K8s.Ingress("default", "app2", "app2.example.com", "/", "whoami", 80));
        await WaitForStatusAsync(api, "app2");
        await AssertRoutesAsync(survivor, "app2.example.com");
        await Assert.That(StatusWriters(api).Last()).IsEqualTo("Bearer token-" + followerName);
        await Assert.That(survivor.Output).Contains("Became leader");
        await Assert.That(next).StartsWith(followerName);
    }

    [Test]
    public async Task A_clean_stop_hands_the_lease_over_at_once()
    {
        await using var api = await FakeApiServer.StartAsync();
        await using var one = await Replica(api, "replica-1");
        var first = await WaitForHolderAsync(api, _ => true);
        await using var two = await Replica(api, "replica-2");
        var leader = first.StartsWith("replica-1") ? one : two;
        var other = first.StartsWith("replica-1") ? "replica-2" : "replica-1";
        await Assert.That(await leader.StopAsync()).IsEqualTo(0);
        var sw = Stopwatch.StartNew();   // from the leader's exit
        await WaitForHolderAsync(api, h => h.StartsWith(other + "_", StringComparison.Ordinal));
        // Released (holder cleared, 1 s duration): no need to wait out the 3 s lease.
        await Assert.That(sw.Elapsed).IsLessThan(LeaseDuration).Because(leader.Output + "\n----\n" + (leader == one ? two : one).Output);
    }

    private static List<string> StatusWriters(FakeApiServer api) => api.Requests
        .Where(r => r.Method == "PATCH" && r.Path.EndsWith("/status", StringComparison.Ordinal))
        .Select(r => r.Authorization ?? "").Distinct().ToList();

    private static Task<string> WaitForHolderAsync(FakeApiServer api, Func<string, bool> accept) =>
        Eventually.FoundAsync(() => api.Get<V1Lease>("edge-system", "edge")?.Spec?.HolderIdentity is { Length: > 0 } h && accept(h) ? h : null,
            TimeSpan.FromSeconds(15), () => "no acceptable lease holder; lease: " + api.Get<V1Lease>("edge-system", "edge")?.Spec?.HolderIdentity);

    private static Task WaitForStatusAsync(FakeApiServer api, string ingress) =>
        Eventually.UntilAsync(() => api.Get<V1Ingress>("default", ingress)?.Status?.LoadBalancer?.Ingress?.FirstOrDefault()?.Ip == "203.0.113.7",
            TimeSpan.FromSeconds(10), $"status of {ingress} written");

    private static Task AssertRoutesAsync(EdgeProcess edge, string host) => edge.WaitForStatusAsync(host, "/", 200);
}
