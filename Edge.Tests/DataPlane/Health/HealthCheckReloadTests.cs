using Edge.Aggregation;
using Edge.Configuration;
using Edge.DataPlane;
using Edge.Model;
using Edge.Tests.Support;

namespace Edge.Tests.DataPlane.Health;

/// <summary>The data plane runs the health checkers of the configuration it serves: a reload stops the old ones (no checker leaks across reloads).</summary>
public class HealthCheckReloadTests
{
    private static DynamicConfig Config(string url, ServerHealthCheck? hc)
    {
        var config = new DynamicConfig();
        config.Http.Services["app@file"] = new Service { LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = url }], HealthCheck = hc } };
        return config;
    }

    [Test]
    public async Task A_reload_stops_the_replaced_configurations_checkers_and_starts_the_new_ones()
    {
        await using var old = await HealthBackend.StartAsync("old");
        await using var next = await HealthBackend.StartAsync("next");
        var store = new ConfigurationStore();
        using var dataPlane = new EdgeDataPlane(new StaticConfig(), store);
        var hc = new ServerHealthCheck { Path = "/health", Interval = "50ms" };

        store.Publish(Config(old.Url, hc), []);
        await Eventually.UntilAsync(() => old.Checks >= 2, TimeSpan.FromSeconds(10), "the first configuration's checker never ran");
        old.Healthy = false;
        await Eventually.UntilAsync(() => dataPlane.ServerStatusOf("app@file")?[old.Url] == "DOWN", TimeSpan.FromSeconds(10), "never DOWN");
        await Assert.That(dataPlane.ServersUp().Single()).IsEqualTo(("app@file", old.Url, false));

        store.Publish(Config(next.Url, new ServerHealthCheck { Path = "/health", Interval = "50ms" }), []);
        await Eventually.UntilAsync(() => next.Checks >= 2, TimeSpan.FromSeconds(10), "the new configuration's checker never ran");
        var oldChecks = old.Checks;
        await Task.Delay(300);   // six intervals of the old checker
        await Assert.That(old.Checks).IsLessThanOrEqualTo(oldChecks + 1).Because("at most a check in flight at the swap; then the old checker is stopped");
        await Assert.That(dataPlane.ServerStatusOf("app@file")![next.Url]).IsEqualTo("UP");

        store.Publish(Config(next.Url, null), []);
        await Assert.That(dataPlane.ServerStatusOf("app@file")).IsNull().Because("no healthCheck: no status but the API's default UP");
        var nextChecks = next.Checks;
        await Task.Delay(300);
        await Assert.That(next.Checks).IsLessThanOrEqualTo(nextChecks + 1);
    }
}
