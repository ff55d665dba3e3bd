using Edge.DataPlane.Forwarding;
using Edge.Model;

namespace Edge.Tests.DataPlane.Health;

/// <summary>Traefik's mirror selection (getActiveMirrors): each mirror gets exactly its percent of the requests, counted, not drawn at random.</summary>
public class MirroringCountTests
{
    private static BackendService Mirroring(params int[] percents)
    {
        var config = new Dictionary<string, Service>
        {
            ["main@file"] = new() { LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = "http://127.0.0.2:1" }] } },
            ["m@file"] = new()
            {
                Mirroring = new MirroringService
                {
                    Service = "main",
                    Mirrors = percents.Select((p, i) => new MirrorService { Name = "mirror" + i, Percent = p }).ToList(),
                },
            },
        };
        for (int i = 0; i < percents.Length; i++)
            config["mirror" + i + "@file"] = new() { LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = $"http://127.0.0.{3 + i}:1" }] } };
        var services = config.ToDictionary(kv => kv.Key, kv => new BackendService(kv.Key, kv.Value));
        foreach (var (name, s) in services) s.Link(child => services.GetValueOrDefault(ProviderNames.Resolve(child, name)));
        return services["m@file"];
    }

    [Test]
    [Arguments(30, 10, 3)]
    [Arguments(50, 10, 5)]
    [Arguments(100, 7, 7)]
    [Arguments(0, 10, 0)]
    [Arguments(1, 100, 1)]
    [Arguments(25, 1000, 250)]
    public async Task A_mirror_gets_exactly_its_percent(int percent, int requests, int expected)
    {
        var mirroring = Mirroring(percent);
        var mirrored = Enumerable.Range(0, requests).Count(_ => mirroring.ActiveMirrors().Count == 1);
        await Assert.That(mirrored).IsEqualTo(expected);
    }

    [Test]
    public async Task Each_mirror_is_counted_on_its_own_and_the_first_request_is_mirrored()
    {
        var mirroring = Mirroring(10, 50);
        var first = mirroring.ActiveMirrors().Select(s => s.Name).ToList();
        await Assert.That(first).IsEquivalentTo(new[] { "mirror0@file", "mirror1@file" }).Because("0*100 < 1*percent for any percent above 0");
        var counts = new int[2];
        for (int i = 1; i < 20; i++)
            foreach (var m in mirroring.ActiveMirrors()) counts[m.Name == "mirror0@file" ? 0 : 1]++;
        await Assert.That(counts[0] + 1).IsEqualTo(2);
        await Assert.That(counts[1] + 1).IsEqualTo(10);
    }
}
