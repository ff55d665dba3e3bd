using BenchmarkDotNet.Attributes;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Routing.Table;
using Edge.Model;
using Edge.Providers.Kubernetes.Ingress;

namespace Edge.Bench;

/// <summary>
/// The rest of a configuration change after translation: compiling the translated routers into an
/// entry point's route tables (rule parsing, host index, ordering) at 100, 1,000 and 10,000
/// Ingresses. With TranslationBenchmarks this is what a single Ingress change costs today (a full
/// rebuild), and what incremental translation would have to beat.
/// </summary>
[MemoryDiagnoser]
public class TableCompilationBenchmarks
{
    [Params(100, 1_000, 10_000)]
    public int Ingresses { get; set; }

    private DynamicConfig _config = new();
    private readonly EntryPointOptions _web = new() { Name = "web" };

    [GlobalSetup]
    public void Setup() => _config = IngressTranslator.Translate(TranslationBenchmarks.Build(Ingresses), new ProviderOptions()).Config;

    [Benchmark]
    public EntryPointRoutes CompileRouteTables()
    {
        var errors = new Dictionary<string, string>();
        var routes = EntryPointRoutes.Compile(_web, _config.Http.Routers, ["web"], RuleSyntax.V3, errors);
        if (errors.Count != 0) throw new InvalidOperationException(errors.First().Value);
        return routes;
    }
}
