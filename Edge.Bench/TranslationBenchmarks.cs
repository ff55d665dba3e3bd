using BenchmarkDotNet.Attributes;
using Edge.Configuration;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using k8s.Models;

namespace Edge.Bench;

/// <summary>
/// Translating a cluster of N Ingresses (one Service and EndpointSlice each, three pods) into the
/// dynamic configuration. The baseline is the same work at a tenth of the size: the ratio shows
/// whether translation grows linearly.
/// </summary>
[MemoryDiagnoser]
public class TranslationBenchmarks
{
    [Params(100, 1_000, 10_000)]
    public int Ingresses { get; set; }

    private ClusterSnapshot _snapshot = ClusterSnapshot.Empty;
    private ClusterSnapshot _tenth = ClusterSnapshot.Empty;
    private readonly ProviderOptions _options = new();

    private readonly TranslationMemo _memo = new();
    private ClusterSnapshot[] _alternating = [];
    private int _turn;

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = Build(Ingresses);
        _tenth = Build(Ingresses / 10);
        // Two snapshots that differ in one Ingress (a new object, as an informer delivers it).
        var changed = _snapshot.Ingresses[Ingresses / 2];
        var copy = new V1Ingress { Metadata = changed.Metadata, Spec = new V1IngressSpec { Rules = changed.Spec.Rules } };
        _alternating = [_snapshot, _snapshot with { Ingresses = _snapshot.Ingresses.SetItem(Ingresses / 2, copy) }];
        IngressTranslator.Translate(_snapshot, _options, _memo);
    }

    public static ClusterSnapshot Build(int n)
    {
        var objects = new List<object>(n * 3);
        for (int i = 0; i < n; i++)
        {
            var ns = "ns" + (i % 50);
            var svc = "svc" + i;
            objects.Add(new V1Ingress
            {
                Metadata = new V1ObjectMeta { Name = "ing" + i, NamespaceProperty = ns, Annotations = new Dictionary<string, string> { ["kubernetes.io/ingress.class"] = "traefik" } },
                Spec = new V1IngressSpec
                {
                    Rules =
                    [
                        new V1IngressRule
                        {
                            Host = $"h{i}.example.com",
                            Http = new V1HTTPIngressRuleValue
                            {
                                Paths =
                                [
                                    new V1HTTPIngressPath { Path = "/api", PathType = "Prefix", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = svc, Port = new V1ServiceBackendPort { Number = 80 } } } },
                                    new V1HTTPIngressPath { Path = "/static", PathType = "Exact", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = svc, Port = new V1ServiceBackendPort { Number = 80 } } } },
                                ],
                            },
                        },
                    ],
                },
            });
            objects.Add(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = svc, NamespaceProperty = ns },
                Spec = new V1ServiceSpec { ClusterIP = "10.96.0.1", Ports = [new V1ServicePort { Port = 80, Name = "http" }] },
            });
            objects.Add(new V1EndpointSlice
            {
                Metadata = new V1ObjectMeta { Name = svc + "-x", NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = svc } },
                AddressType = "IPv4",
                Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080 }],
                Endpoints = [.. Enumerable.Range(1, 3).Select(p => new V1Endpoint { Addresses = [$"10.{i / 250 % 250}.{i % 250}.{p}"], Conditions = new V1EndpointConditions { Ready = true } })],
            });
        }
        return ClusterSnapshot.FromObjects(objects);
    }

    [Benchmark(Baseline = true)]
    public int TenthOfTheIngresses() => IngressTranslator.Translate(_tenth, _options).Config.Http.Routers.Count;

    [Benchmark]
    public int AllIngresses() => IngressTranslator.Translate(_snapshot, _options).Config.Http.Routers.Count;

    /// <summary>One Ingress changed since the last translation: the provider's steady state (issue: performance, incremental).</summary>
    [Benchmark]
    public int OneChangeMemoized() => IngressTranslator.Translate(_alternating[_turn++ & 1], _options, _memo).Config.Http.Routers.Count;
}
