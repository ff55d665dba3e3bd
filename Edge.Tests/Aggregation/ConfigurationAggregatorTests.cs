using Edge.Aggregation;
using Edge.Model;

namespace Edge.Tests.Aggregation;

/// <summary>
/// Several providers, one applied configuration: each provider's objects under its qualified name,
/// the latest configuration of each kept, and no provider waiting on another.
/// </summary>
public class ConfigurationAggregatorTests
{
    private static DynamicConfig Ingresses(params string[] routers)
    {
        var c = new DynamicConfig();
        foreach (var r in routers)
        {
            c.Http.Routers[r] = new Router { Rule = $"Host(`{r}.example.com`)", Service = r + "-80" };
            c.Http.Services[r + "-80"] = new Service();
        }
        return c;
    }

    private static DynamicConfig Middlewares(params string[] names)
    {
        var c = new DynamicConfig();
        foreach (var n in names) c.Http.Middlewares[n] = new Middleware();
        return c;
    }

    [Test]
    public async Task Other_providers_objects_are_qualified_and_the_ingress_providers_stay_implied()
    {
        var crd = Middlewares("default-auth");
        var ingress = Ingresses("default-app");
        var merged = ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig>
        {
            [ProviderNames.Kubernetes] = ingress, [ProviderNames.KubernetesCrd] = crd,
        });
        await Assert.That(string.Join(",", merged.Http.Routers.Keys)).IsEqualTo("default-app");
        await Assert.That(string.Join(",", merged.Http.Middlewares.Keys)).IsEqualTo("default-auth@kubernetescrd");
        // The providers' own configurations are theirs: a merge never writes into them.
        await Assert.That(ingress.Http.Middlewares.Count).IsEqualTo(0);
        await Assert.That(string.Join(",", crd.Http.Middlewares.Keys)).IsEqualTo("default-auth");
    }

    [Test]
    public async Task A_provider_that_has_nothing_yet_does_not_hold_back_another()
    {
        var store = new ConfigurationStore();
        var aggregator = new ConfigurationAggregator(store, TimeSpan.Zero);
        using var stop = new CancellationTokenSource();
        var loop = aggregator.RunAsync(stop.Token);
        // Only the Ingress provider has synced; the CRD provider is still listing (or failing).
        await aggregator.UpdateAsync(ProviderNames.Kubernetes, Ingresses("default-app"), []).WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.That(store.Current.Config.Http.Routers.ContainsKey("default-app")).IsTrue();
        stop.Cancel();
        await loop;
    }

    [Test]
    public async Task Each_providers_latest_configuration_is_kept_when_another_changes()
    {
        var store = new ConfigurationStore();
        var aggregator = new ConfigurationAggregator(store, TimeSpan.Zero);
        var applied = new List<string>();
        aggregator.Applied += p => { lock (applied) applied.Add(p); };
        using var stop = new CancellationTokenSource();
        var loop = aggregator.RunAsync(stop.Token);
        await aggregator.UpdateAsync(ProviderNames.KubernetesCrd, Middlewares("default-auth"), ["Middleware default/bad: unsupported"]).WaitAsync(TimeSpan.FromSeconds(5));
        await aggregator.UpdateAsync(ProviderNames.Kubernetes, Ingresses("default-app"), []).WaitAsync(TimeSpan.FromSeconds(5));
        await aggregator.UpdateAsync(ProviderNames.Kubernetes, Ingresses("default-app", "default-blog"), []).WaitAsync(TimeSpan.FromSeconds(5));
        var current = store.Current;
        await Assert.That(string.Join(",", current.Config.Http.Routers.Keys)).IsEqualTo("default-app,default-blog");
        await Assert.That(string.Join(",", current.Config.Http.Middlewares.Keys)).IsEqualTo("default-auth@kubernetescrd");
        await Assert.That(string.Join(",", current.Issues)).IsEqualTo("Middleware default/bad: unsupported")
            .Because("a provider's issues stay shown until that provider hands over a configuration without them");
        string order;
        lock (applied) order = string.Join(",", applied);
        await Assert.That(order).IsEqualTo("kubernetescrd,kubernetes,kubernetes");
        stop.Cancel();
        await loop;
    }

    [Test]
    public async Task The_merge_throttle_folds_changes_that_arrive_while_it_waits()
    {
        var store = new ConfigurationStore();
        var aggregator = new ConfigurationAggregator(store, TimeSpan.FromMilliseconds(300));
        using var stop = new CancellationTokenSource();
        var loop = aggregator.RunAsync(stop.Token);
        await aggregator.UpdateAsync(ProviderNames.Kubernetes, Ingresses("v1"), []).WaitAsync(TimeSpan.FromSeconds(5));
        var second = aggregator.UpdateAsync(ProviderNames.Kubernetes, Ingresses("v2"), []);
        var third = aggregator.UpdateAsync(ProviderNames.Kubernetes, Ingresses("v3"), []);
        await Task.WhenAll(second, third).WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.That(store.ReloadCount).IsEqualTo(2).Because("v2 and v3 arrived during the throttle: one publish carries the latest");
        await Assert.That(string.Join(",", store.Current.Config.Http.Routers.Keys)).IsEqualTo("v3");
        stop.Cancel();
        await loop;
    }
}
