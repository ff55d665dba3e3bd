using BenchmarkDotNet.Attributes;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Table;
using Edge.Model;

namespace Edge.Bench;

/// <summary>
/// Cost of choosing a router as the number of routers grows, with rules shaped like the Ingress
/// provider's (one host, one path prefix). The linear scan is what Traefik's muxer does; the
/// ratio column shows what the host index buys.
/// </summary>
[MemoryDiagnoser]
public class RouteMatchBenchmarks
{
    private RouteTable _table = null!;
    private RouteRequest _hit;
    private RouteRequest _miss;

    [Params(10, 1_000, 100_000)]
    public int Routers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var routers = new List<(string Name, Router Router)>(Routers + 1);
        for (int i = 0; i < Routers; i++)
        {
            routers.Add(($"ns-ing-h{i}-example-com-api", new Router
            {
                Rule = $"Host(\"h{i}.example.com\") && PathPrefix(\"/api\")",
                Service = $"svc-{i}",
            }));
        }

        RouteTableCompilation c = RouteTable.Compile(routers, "web", tls: false);
        if (c.Errors.Count != 0 || c.Table.FallbackCount != 0)
        {
            throw new InvalidOperationException("benchmark rules must all be host-indexed");
        }

        _table = c.Table;
        // A host in the middle of the ordering, so the linear scan does average work.
        _hit = new RouteRequest($"h{Routers / 2}.example.com:443", "/api/orders", "GET");
        _miss = new RouteRequest("unknown.example.com", "/api/orders", "GET");
        if (_table.Match(_hit) is null || _table.MatchLinear(_hit) is null)
        {
            throw new InvalidOperationException("benchmark request must match");
        }
    }

    [Benchmark(Baseline = true)]
    public RouteEntry? LinearScan() => _table.MatchLinear(_hit);

    [Benchmark]
    public RouteEntry? Indexed() => _table.Match(_hit);

    [Benchmark]
    public RouteEntry? IndexedMiss() => _table.Match(_miss);
}
