using Edge.DataPlane.Forwarding;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Forwarding;

/// <summary>Traefik's weighted service in Edge's data plane: children by weight, nested, and its sticky cookie.</summary>
public class WeightedServiceTests
{
    private static Service Servers(string url) => new() { LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = url }] } };

    private static Dictionary<string, BackendService> Compile(Dictionary<string, Service> config)
    {
        var services = config.ToDictionary(kv => kv.Key, kv => new BackendService(kv.Key, kv.Value));
        foreach (var (name, b) in services)
            if (b.IsWeighted) b.Link(child => services.GetValueOrDefault(ProviderNames.Resolve(child, name)));
        return services;
    }

    private static Dictionary<string, Service> Config(Sticky? sticky = null) => new()
    {
        ["default-blue-80@kubernetescrd"] = Servers("http://127.0.0.2:80"),
        ["default-green-80@kubernetescrd"] = Servers("http://127.0.0.3:80"),
        ["default-inner@kubernetescrd"] = new Service { Weighted = new WeightedRoundRobinService { Services = [new() { Name = "default-green-80", Weight = 1 }] } },
        ["default-split@kubernetescrd"] = new Service
        {
            Weighted = new WeightedRoundRobinService
            {
                Services = [new() { Name = "default-blue-80", Weight = 2 }, new() { Name = "default-inner", Weight = 1 }],
                Sticky = sticky,
            },
        },
    };

    [Test]
    public async Task Children_are_picked_by_weight_through_nested_weighted_services()
    {
        var split = Compile(Config())["default-split@kubernetescrd"];
        var picks = Enumerable.Range(0, 30).Select(_ => split.Leaf(new DefaultHttpContext())!.Name).ToList();
        await Assert.That(picks.Count(p => p == "default-blue-80@kubernetescrd")).IsEqualTo(20);
        await Assert.That(picks.Count(p => p == "default-green-80@kubernetescrd")).IsEqualTo(10).Because("inner, weight 1, has only green");
    }

    [Test]
    public async Task A_sticky_weighted_service_sets_a_cookie_naming_the_child_and_follows_it()
    {
        var split = Compile(Config(new Sticky { Cookie = new StickyCookie { Name = "lane", Path = "/" } }))["default-split@kubernetescrd"];
        var first = new DefaultHttpContext();
        var leaf = split.Leaf(first)!;
        BackendService.AppendWeightedCookies(first);
        var setCookie = first.Response.Headers.SetCookie.ToString();
        await Assert.That(setCookie).StartsWith("lane=");
        var value = setCookie["lane=".Length..].Split(';')[0];
        for (int i = 0; i < 5; i++)
        {
            var again = new DefaultHttpContext();
            again.Request.Headers.Cookie = "lane=" + value;
            await Assert.That(split.Leaf(again)!.Name).IsEqualTo(leaf.Name).Because("the cookie names the child first chosen");
        }
    }

    [Test]
    public async Task A_weighted_service_without_children_has_no_leaf()
    {
        var services = Compile(new() { ["w@kubernetescrd"] = new Service { Weighted = new WeightedRoundRobinService { Services = [new() { Name = "absent" }] } } });
        await Assert.That(services["w@kubernetescrd"].Leaf(new DefaultHttpContext())).IsNull();
    }
}
