using Edge.Aggregation;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers;
using Edge.Providers.Files;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers;

/// <summary>loadBalancer.strategy from an IngressRoute service and from a dynamic-configuration file reaches the model; a value Traefik does not know is refused.</summary>
public sealed class LoadBalancerStrategyTranslationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-lb-strategy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Backend = """
        apiVersion: v1
        kind: Service
        metadata: {name: whoami, namespace: default}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: whoami-abc, namespace: default, labels: {kubernetes.io/service-name: whoami}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints: [{addresses: [10.10.0.1]}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: app, namespace: default}
        spec:
          routes:
        """;

    private static TranslationOutput Translate(string service)
    {
        var docs = ManifestParser.Parse(Backend + "\n    - {match: Host(`a`), services: [" + service + "]}\n", "test").ToList();
        foreach (var d in docs) if (d.Error is not null) throw new InvalidOperationException(d.Error);
        return CrdBinding.Translate(ClusterSnapshot.FromObjects(docs.Select(d => d.Object!)), new CrdProviderOptions());
    }

    [Test]
    [Arguments("wrr", "wrr")]
    [Arguments("p2c", "p2c")]
    [Arguments("hrw", "hrw")]
    [Arguments("leasttime", "leasttime")]
    [Arguments("RoundRobin", "wrr")]
    public async Task An_IngressRoute_service_strategy_reaches_the_load_balancer(string written, string expected)
    {
        var output = Translate($"{{name: whoami, port: 80, strategy: {written}}}");
        var router = output.Config.Http.Routers.Values.Single();
        await Assert.That(router.DisabledReason).IsNull();
        await Assert.That(output.Config.Http.Services[router.Service].LoadBalancer!.Strategy).IsEqualTo(expected);
    }

    [Test]
    public async Task An_IngressRoute_strategy_Traefik_does_not_know_keeps_the_route_disabled()
    {
        var output = Translate("{name: whoami, port: 80, strategy: highestRandomWeight}");
        await Assert.That(output.Config.Http.Routers.Values.Single().DisabledReason).IsEqualTo("load-balancer strategy highestRandomWeight is not supported");
    }

    private FileLoad Load(string lb)
    {
        var path = Path.Combine(_dir, "d.yml");
        System.IO.File.WriteAllText(path, $$"""
            http:
              routers:
                app: {rule: Host(`a`), service: app}
              services:
                app:
                  loadBalancer:
                    {{lb}}
                    servers: [{url: "http://127.0.0.1:1", weight: 3}, {url: "http://127.0.0.1:2", weight: 0}]
            """);
        return FileConfigLoader.Load(new FileProviderOptions { Filename = path });
    }

    [Test]
    public async Task A_file_service_strategy_and_server_weights_reach_the_model_and_are_served()
    {
        var load = Load("strategy: hrw");
        await Assert.That(load.Issues).IsEmpty();
        var lb = load.Config!.Http.Services["app"].LoadBalancer!;
        await Assert.That(lb.Strategy).IsEqualTo("hrw");
        await Assert.That(lb.Servers!.Select(s => s.Weight)).IsEquivalentTo(new int?[] { 3, 0 });
        var merged = ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig> { [ProviderNames.File] = load.Config });
        await Assert.That(ReferenceCheck.Find(merged, ProviderNames.Kubernetes)).IsEmpty();
    }

    [Test]
    public async Task A_file_service_with_an_unknown_strategy_is_not_served_and_says_why()
    {
        var load = Load("strategy: highestRandomWeight");
        var merged = ConfigurationMerge.Merge(new Dictionary<string, DynamicConfig> { [ProviderNames.File] = load.Config! });
        var errors = ReferenceCheck.Find(merged, ProviderNames.Kubernetes);
        await Assert.That(errors["app@file"]).IsEqualTo("unsupported load-balancer strategy \"highestRandomWeight\"");
    }
}
