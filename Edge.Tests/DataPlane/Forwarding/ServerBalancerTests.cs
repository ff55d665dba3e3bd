using System.Net;
using Edge.DataPlane.Forwarding;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Forwarding;

/// <summary>Traefik v3's loadBalancer.strategy values (wrr, p2c, hrw, leasttime) as Edge's balancers pick servers.</summary>
public class ServerBalancerTests
{
    private static readonly string[] Urls = ["http://127.0.0.2:80", "http://127.0.0.3:80", "http://127.0.0.4:80"];

    [Test]
    public async Task Hrw_scores_with_Traefiks_fnv1a_hash_and_log_weighting()
    {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; Traefik's score is weight / -ln(hash / 2^64).
        await Assert.That(HighestRandomWeightBalancer.Score("a", "", 1)).IsEqualTo(2.644348917554218).Within(1e-12);
        await Assert.That(HighestRandomWeightBalancer.Score("a", "", 3)).IsEqualTo(3 * 2.644348917554218).Within(1e-12);
    }

    [Test]
    public async Task Hrw_sends_one_client_address_to_one_server_on_every_replica()
    {
        for (int c = 0; c < 50; c++)
        {
            var ip = $"10.0.{c / 10}.{c % 10}";
            var first = new HighestRandomWeightBalancer(Urls, [1, 1, 1]).Pick(ip, null);
            var again = new HighestRandomWeightBalancer(Urls, [1, 1, 1]);
            for (int i = 0; i < 5; i++) await Assert.That(again.Pick(ip, null)).IsEqualTo(first).Because(ip);
        }
    }

    [Test]
    public async Task Hrw_shares_follow_the_weights_over_many_client_addresses()
    {
        // Names as unlike as Traefik's own test uses: FNV-1a mixes a name's last bytes weakly, so with
        // URLs that differ only in their last character the heavier server takes nearly every client (Traefik does the same).
        var hrw = new HighestRandomWeightBalancer(["http://first.local:80", "http://second.local:80", "http://third.local:80"], [1, 3, 0]);
        var counts = new int[3];
        for (int c = 0; c < 4000; c++) counts[hrw.Pick($"10.{c / 65536}.{c / 256 % 256}.{c % 256}", null)]++;
        await Assert.That(counts[2]).IsEqualTo(0).Because("a server of weight 0 is not in the balancer");
        await Assert.That(counts[1] / 4000.0).IsEqualTo(0.75).Within(0.03).Because($"weight 3 of 4: {counts[0]}/{counts[1]}");
    }

    [Test]
    public async Task Hrw_moves_only_the_clients_of_a_server_that_goes_down()
    {
        var hrw = new HighestRandomWeightBalancer(Urls, [1, 1, 1]);
        int moved = 0, kept = 0;
        for (int c = 0; c < 300; c++)
        {
            var ip = $"192.168.{c / 256}.{c % 256}";
            var before = hrw.Pick(ip, null);
            var after = hrw.Pick(ip, s => s == 1);
            await Assert.That(after).IsNotEqualTo(1);
            if (before == 1) moved++;
            else { kept++; await Assert.That(after).IsEqualTo(before).Because("rendezvous hashing keeps the others"); }
        }
        await Assert.That(moved).IsGreaterThan(0);
        await Assert.That(kept).IsGreaterThan(0);
        await Assert.That(hrw.Pick("10.0.0.1", _ => true)).IsEqualTo(-1);
    }

    [Test]
    public async Task P2c_takes_the_less_loaded_of_two_random_choices()
    {
        var draws = new Queue<int>([0, 1, 1, 0, 2, 2, 0, 2]);
        var p2c = new PowerOfTwoChoicesBalancer([1, 1, 1], _ => draws.Dequeue());
        p2c.Load(0).Started(); p2c.Load(0).Started();
        p2c.Load(2).Started();
        await Assert.That(p2c.Pick("", null)).IsEqualTo(1).Because("0 has 2 in flight, 1 none");
        await Assert.That(p2c.Pick("", null)).IsEqualTo(1).Because("the order of the draw does not matter");
        await Assert.That(p2c.Pick("", null)).IsEqualTo(2).Because("a repeated draw takes the next server (2, then 0): 2 has 1, 0 has 2");
        p2c.Load(0).Finished(); p2c.Load(0).Finished();
        await Assert.That(p2c.Pick("", null)).IsEqualTo(0).Because("0 is idle now, 2 has 1 in flight");
    }

    [Test]
    public async Task P2c_draws_only_among_servers_that_are_up()
    {
        var seen = new List<int>();
        var p2c = new PowerOfTwoChoicesBalancer([1, 1, 1], n => { seen.Add(n); return 0; });
        await Assert.That(p2c.Pick("", s => s == 0)).IsEqualTo(1).Because("drawn among [1, 2]; a tie keeps the first");
        await Assert.That(seen).IsEquivalentTo(new[] { 2, 2 });
        await Assert.That(p2c.Pick("", s => s != 2)).IsEqualTo(2).Because("one server up: no draw");
        await Assert.That(p2c.Pick("", _ => true)).IsEqualTo(-1);
    }

    [Test]
    public async Task Leasttime_prefers_the_fastest_server_weighted_by_its_requests_in_flight()
    {
        var lt = new LeastTimeBalancer([1, 1]);
        lt.Load(0).Record(TimeSpan.FromMilliseconds(10));
        lt.Load(1).Record(TimeSpan.FromMilliseconds(50));
        await Assert.That(lt.Pick("", null)).IsEqualTo(0).Because("10 ms against 50 ms");
        for (int i = 0; i < 5; i++) lt.Load(0).Started();
        await Assert.That(lt.Pick("", null)).IsEqualTo(1).Because("10 ms × (1 + 5) = 60 > 50 × 1");
        await Assert.That(lt.Pick("", s => s == 1)).IsEqualTo(0).Because("a server down is not picked");
    }

    [Test]
    public async Task Leasttime_breaks_ties_by_weight_and_divides_scores_by_it()
    {
        var lt = new LeastTimeBalancer([1, 2]);
        var picks = Enumerable.Range(0, 300).Select(_ => lt.Pick("", null)).ToList();
        await Assert.That(picks.Count(p => p == 1)).IsBetween(199, 201).Because("no response time yet: every score is 0, turns go by weight");
        lt.Load(0).Record(TimeSpan.FromMilliseconds(30));
        lt.Load(1).Record(TimeSpan.FromMilliseconds(50));
        await Assert.That(lt.Pick("", null)).IsEqualTo(1).Because("50 / 2 = 25 < 30 / 1");
    }

    [Test]
    public async Task Wrr_follows_server_weights_and_leaves_out_non_positive_ones()
    {
        var wrr = ServerBalancer.Create("wrr", Urls, [1, 2, 0])!;
        var picks = Enumerable.Range(0, 30).Select(_ => wrr.Pick("", null)).ToList();
        await Assert.That(picks.Count(p => p == 0)).IsEqualTo(10);
        await Assert.That(picks.Count(p => p == 1)).IsEqualTo(20);
        await Assert.That(ServerBalancer.Create("RoundRobin", Urls, [1, 1, 1])).IsNull().Because("the file provider has no deprecated spelling");
    }

    private static BackendService Service(string strategy, Sticky? sticky = null) => new("app@file", new Service
    {
        LoadBalancer = new ServersLoadBalancer { Strategy = strategy, Sticky = sticky, Servers = Urls.Select(u => new Server { Url = u }).ToList() },
    });

    private static HttpContext From(string ip, string? cookie = null)
    {
        var ctx = new DefaultHttpContext();
        ctx.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        if (cookie is not null) ctx.Request.Headers.Cookie = cookie;
        return ctx;
    }

    [Test]
    public async Task An_hrw_service_keeps_a_client_on_one_server_without_a_cookie_and_skips_servers_down()
    {
        var sticky = new Sticky { Cookie = new StickyCookie { Name = "lane", Path = "/" } };
        var service = Service("hrw", sticky);
        await Assert.That(service.Sticky).IsNull().Because("Traefik's hrw balancer has no sticky cookie");
        var first = service.Pick(From("10.1.2.3"), out var setCookie)!;
        await Assert.That(setCookie).IsFalse();
        for (int i = 0; i < 10; i++) await Assert.That(service.Pick(From("10.1.2.3"), out _)!.Url).IsEqualTo(first.Url);
        await Assert.That(service.Pick(From("::ffff:10.1.2.3"), out _)!.Url).IsEqualTo(first.Url).Because("an IPv4-mapped address is the IPv4 client");
        // With a health check, a server found down is left out.
        var checkedService = new BackendService("app@file", new Service
        {
            LoadBalancer = new ServersLoadBalancer { Strategy = "hrw", HealthCheck = new ServerHealthCheck { Path = "/health" }, Servers = Urls.Select(u => new Server { Url = u }).ToList() },
        });
        checkedService.Health.Set(first.Index, false);
        await Assert.That(checkedService.Pick(From("10.1.2.3"), out _)!.Url).IsNotEqualTo(first.Url);
    }

    [Test]
    public async Task A_sticky_cookie_takes_precedence_over_p2c_and_leasttime()
    {
        foreach (var strategy in new[] { "p2c", "leasttime" })
        {
            var service = Service(strategy, new Sticky { Cookie = new StickyCookie { Name = "lane", Path = "/" } });
            var target = service.Servers[2];
            var load = service.LoadOf(target)!;
            for (int i = 0; i < 10; i++) load.Started();
            await Assert.That(service.Pick(From("10.0.0.1"), out _)!.Url).IsNotEqualTo(target.Url).Because($"{strategy}: the busiest server is avoided");
            for (int i = 0; i < 5; i++)
                await Assert.That(service.Pick(From("10.0.0.1", "lane=" + target.CookieValue), out var set)!.Url).IsEqualTo(target.Url).Because(strategy);
        }
    }
}
