using System.Diagnostics;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Table;
using Edge.Model;

namespace Edge.Bench;

/// <summary>
/// <c>route-cost [N...]</c>: routing at N routers shaped like the Ingress provider's (a host per
/// three routers: two path prefixes and an exact path): nanoseconds per match over requests
/// spread across all hosts, a whole table compilation, and a patch replacing one router (medians).
/// A quick in-process figure for scripts/bench-scale; RouteMatchBenchmarks gives the careful one.
/// </summary>
public static class RouteCostProfile
{
    public static int Run(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [100, 10_000, 100_000];
        Console.WriteLine("| routers | match (ns, spread over hosts) | match (ns, one host) | compile whole (ms) | patch one router (ms) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var n in sizes)
        {
            var routers = new List<(string Name, Router Router)>(n);
            for (int i = 0; i < n; i++) routers.Add(Shaped(i, i % 3 == 2 ? "Path(`/c`)" : i % 3 == 0 ? "PathPrefix(`/a`)" : "PathPrefix(`/b`)"));
            var compileTimes = new List<double>();
            RouteTable table = null!;
            for (int k = 0; k < 3; k++)
            {
                var t = Stopwatch.GetTimestamp();
                table = RouteTable.Compile(routers, "web", tls: false).Table;
                compileTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            var hosts = Math.Max(1, n / 3);
            var rng = new Random(42);
            var requests = Enumerable.Range(0, 4096).Select(_ => new RouteRequest($"h{rng.Next(hosts)}.example.com", "/b/x")).ToArray();
            long matched = 0;
            for (int i = 0; i < 200_000; i++) if (table.Match(requests[i & 4095]) is not null) matched++;   // warm up
            const int Iterations = 2_000_000;
            var start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Iterations; i++) if (table.Match(requests[i & 4095]) is not null) matched++;
            var ns = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1e6 / Iterations;
            if (matched < Iterations) throw new InvalidOperationException("benchmark requests must match");
            // One host asked again and again: the index's own cost, without the cache misses of a big table.
            var hot = new RouteRequest($"h{hosts / 2}.example.com", "/b/x");
            start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Iterations; i++) if (table.Match(hot) is not null) matched++;
            var hotNs = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1e6 / Iterations;
            var patchTimes = new List<double>();
            for (int k = 0; k < 21; k++)
            {
                var changed = Shaped(rng.Next(n), "PathPrefix(`/new" + k + "`)");
                var t = Stopwatch.GetTimestamp();
                table = table.Patch([], [changed], Edge.DataPlane.Routing.Rules.RuleSyntax.V3, null).Table;
                patchTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            Console.WriteLine($"| {n:N0} | {ns:F0} | {hotNs:F0} | {Median(compileTimes):F1} | {Median(patchTimes):F2} |");
        }
        return 0;
    }

    private static (string, Router) Shaped(int i, string path)
    {
        int host = i / 3;
        return ($"default-app-{host}-h{host}-example-com-{i % 3}", new Router { Rule = $"Host(`h{host}.example.com`) && {path}", Service = $"default-svc-{host}-80" });
    }

    private static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
}
