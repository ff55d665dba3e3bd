using System.Diagnostics;
using Edge.Aggregation;
using Edge.Configuration;
using Edge.DataPlane;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using k8s.Models;

namespace Edge.Bench;

/// <summary>
/// <c>change-cost N [--tenancy]</c>: where one Ingress change's time goes at N Ingresses, stage by stage
/// (translation with and without the memo, the data plane's compilation), as medians of 15
/// changes. A quick split for profiling; the BenchmarkDotNet suites give the careful figures.
/// </summary>
public static class ChangeCostProfile
{
    public static int Run(string[] args)
    {
        int n = args.Length > 0 && int.TryParse(args[0], out var count) ? count : 10_000;
        var snapshot = TranslationBenchmarks.Build(n);
        // Tenancy mode: its policy runs on every translation, the memo reuses the fragments under it.
        var options = new ProviderOptions { TenancyEnabled = args.Contains("--tenancy") };
        var config = new StaticConfig();
        config.EntryPoints["web"] = new EntryPointOptions { Name = "web", Address = ":80" };
        var dataPlane = new EdgeDataPlane(config, new ConfigurationStore());
        var memo = new TranslationMemo();
        IngressTranslator.Translate(snapshot, options, memo);
        var full = new List<double>(); var incremental = new List<double>(); var compile = new List<double>(); var merge = new List<double>();
        for (int i = 0; i < 15; i++)
        {
            var changed = Replace(snapshot, i * 7919 % n, i);
            var t = Stopwatch.GetTimestamp();
            if (i % 5 == 0)
            {
                IngressTranslator.Translate(changed, options);
                full.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                GC.Collect();
            }
            t = Stopwatch.GetTimestamp();
            var result = IngressTranslator.Translate(changed, options, memo);
            incremental.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            t = Stopwatch.GetTimestamp();
            var merged = ConfigurationMerge.Merge(new Dictionary<string, Edge.Model.DynamicConfig> { [Edge.Model.ProviderNames.Kubernetes] = result.Config });
            merge.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            int gen2 = GC.CollectionCount(2), gen0 = GC.CollectionCount(0);
            t = Stopwatch.GetTimestamp();
            dataPlane.Compile(merged);
            compile.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if (i >= 5) Console.WriteLine($"  compile: {dataPlane.LastCompileStages}; allocated {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 1048576.0:F1} MiB, gen0 {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2}");
            snapshot = changed;
        }
        static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
        Console.WriteLine($"{n} Ingresses{(options.TenancyEnabled ? " (tenancy)" : "")}, one change: full translation {Median(full):F1} ms, memoized translation {Median(incremental):F1} ms " +
                          $"(reused {memo.Reused}, translated {memo.Translated}), merge {Median(merge):F1} ms, data plane compile {Median(compile):F1} ms");
        return 0;
    }

    /// <summary>The snapshot with Ingress <paramref name="index"/> replaced by a copy with one more path.</summary>
    private static ClusterSnapshot Replace(ClusterSnapshot s, int index, int generation)
    {
        var old = s.Ingresses[index];
        var rule = old.Spec.Rules[0];
        var paths = new List<V1HTTPIngressPath>(rule.Http.Paths) { new() { Path = "/g" + generation, PathType = "Prefix", Backend = rule.Http.Paths[0].Backend } };
        var copy = new V1Ingress
        {
            Metadata = old.Metadata,
            Spec = new V1IngressSpec { Rules = [new V1IngressRule { Host = rule.Host, Http = new V1HTTPIngressRuleValue { Paths = paths } }] },
        };
        return s with { Ingresses = s.Ingresses.SetItem(index, copy) };
    }
}
