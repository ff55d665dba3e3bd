using Edge.Configuration;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Routing.Table;
using Edge.Model;
using Edge.Tenancy;

namespace Edge.Tests.DataPlane.Routing.Table;

/// <summary>
/// A patched route table routes exactly like one compiled whole from the same routers: random
/// edits (adds, removals, rule and host changes, priority ties, TLS flips, entry point moves,
/// rules that do not parse, namespaces under host ownership) applied one by one by
/// <see cref="EntryPointRoutes.Patch"/>, compared after each with <see cref="EntryPointRoutes.Compile"/>.
/// </summary>
public class RouteTablePatchTests
{
    private static readonly string[] Hosts = ["h0.example.com", "h1.example.com", "h2.example.com", "a.h1.example.com", "other.net"];
    private static readonly string[] Paths = ["/", "/p0", "/p1/x", "/p2", "/q"];

    internal static Router RandomRouter(Random rng)
    {
        int h = rng.Next(3), p = rng.Next(3);
        string rule = rng.Next(9) switch
        {
            0 => $"Host(`h{h}.example.com`)",
            1 or 2 => $"Host(`h{h}.example.com`) && PathPrefix(`/p{p}`)",
            3 => $"Host(`h{h}.example.com`) || Host(`H{(h + 1) % 3}.example.com`)",
            4 => $"HostRegexp(`^[a-z]+\\.h1\\.example\\.com$`) && PathPrefix(`/p{p}`)",
            5 => $"PathPrefix(`/p{p}`)",
            6 => "Host(`other.net`) || PathPrefix(`/q`)",
            7 => $"Host(`h{h}.example.com`",   // does not parse
            _ => $"Path(`/p{p}`) && Host(`h{h}.example.com`)",
        };
        return new Router
        {
            Rule = rule,
            Service = "svc" + rng.Next(4),
            Priority = rng.Next(6) switch { 0 => 5, 1 => 100, _ => 0 },
            Tls = rng.Next(5) == 0 ? new RouterTls() : null,
            EntryPoints = rng.Next(4) switch { 0 => ["web"], 1 => ["other"], _ => null },
            Observability = new RouterObservability { Metadata = new ObservabilityMetadata { Ingress = new IngressMetadata { Namespace = "ns" + rng.Next(3) } } },
        };
    }

    private static List<string> Describe(EntryPointRoutes routes, Dictionary<string, string> errors, HostOwnership? ownership)
    {
        var lines = new List<string>();
        foreach (var table in new[] { routes.Tables.Plain, routes.Tables.Tls })
        {
            lines.Add((table.Tls ? "tls" : "plain") + " order: " + string.Join(",", table.Routes.Select(e => e.Name)));
            lines.AddRange(table.IndexDump());
            foreach (var host in Hosts.Append("x.h1.example.com"))
                foreach (var path in Paths)
                {
                    var request = new RouteRequest(host, path, isTls: table.Tls);
                    var found = table.Match(request)?.Name;
                    lines.Add($"{host}{path} -> {found}");
                    // The index must agree with trying every router in order.
                    if (found != table.MatchLinear(request)?.Name) lines.Add($"{host}{path}: index and linear disagree");
                }
        }
        lines.AddRange(errors.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"error {kv.Key}: {kv.Value}"));
        return lines;
    }

    [Test]
    [Arguments(1, false)]
    [Arguments(2, false)]
    [Arguments(3, true)]
    [Arguments(4, true)]
    public async Task Patched_tables_route_like_rebuilt_ones_after_random_edits(int seed, bool tenancy)
    {
        var rng = new Random(seed);
        var ep = new EntryPointOptions { Name = "web", Address = ":80" };
        IReadOnlyList<string> defaults = ["web"];
        var ownership = tenancy
            ? new HostOwnership(new Dictionary<string, string> { ["h0.example.com"] = "ns0", ["h1.example.com"] = "ns1" },
                new Dictionary<string, string> { ["h1.example.com"] = "ns2" })
            : null;
        var routers = new SortedDictionary<string, Router>(StringComparer.Ordinal);
        for (int i = 0; i < 20; i++) routers["r" + i] = RandomRouter(rng);
        var patchedErrors = new Dictionary<string, string>();
        var patched = EntryPointRoutes.Compile(ep, routers, defaults, RuleSyntax.V3, patchedErrors, ownership);
        for (int step = 0; step < 150; step++)
        {
            var removed = new List<string>();
            var upserted = new List<(string, Router)>();
            for (int k = rng.Next(1, 4); k > 0; k--)
            {
                var name = "r" + rng.Next(30);
                if (removed.Contains(name) || upserted.Any(u => u.Item1 == name)) continue;
                if (rng.Next(3) == 0) { routers.Remove(name); removed.Add(name); }
                else { var r = RandomRouter(rng); routers[name] = r; upserted.Add((name, r)); }
            }
            // The data plane hands the errors of the routers left untouched, as the previous compilation had them.
            patchedErrors = patchedErrors.Where(kv => !removed.Contains(kv.Key) && upserted.All(u => u.Item1 != kv.Key)).ToDictionary();
            patched = patched.Patch(ep, removed, upserted, defaults, RuleSyntax.V3, patchedErrors, ownership);
            var rebuiltErrors = new Dictionary<string, string>();
            var rebuilt = EntryPointRoutes.Compile(ep, routers, defaults, RuleSyntax.V3, rebuiltErrors, ownership);
            var expected = Describe(rebuilt, rebuiltErrors, ownership);
            var actual = Describe(patched, patchedErrors, ownership);
            await Assert.That(string.Join("\n", actual)).IsEqualTo(string.Join("\n", expected)).Because($"seed {seed}, step {step}: -{string.Join(",", removed)} +{string.Join(",", upserted.Select(u => u.Item1))}");
            await Assert.That(actual.Any(l => l.Contains("disagree"))).IsFalse();
        }
    }

    [Test]
    public async Task A_patch_leaves_the_previous_table_as_it_was()
    {
        var ep = new EntryPointOptions { Name = "web", Address = ":80" };
        var routers = new SortedDictionary<string, Router>(StringComparer.Ordinal)
        {
            ["a"] = new Router { Rule = "Host(`a.example.com`)", Service = "s" },
            ["b"] = new Router { Rule = "Host(`b.example.com`)", Service = "s" },
        };
        var before = EntryPointRoutes.Compile(ep, routers, ["web"], RuleSyntax.V3, new());
        var after = before.Patch(ep, ["a"], [("c", new Router { Rule = "Host(`a.example.com`) && PathPrefix(`/c`)", Service = "s" })], ["web"], RuleSyntax.V3, new());
        await Assert.That(before.Tables.Plain.Match(new RouteRequest("a.example.com", "/c"))?.Name).IsEqualTo("a");
        await Assert.That(after.Tables.Plain.Match(new RouteRequest("a.example.com", "/c"))?.Name).IsEqualTo("c");
        await Assert.That(after.Tables.Plain.Match(new RouteRequest("a.example.com", "/"))).IsNull();
        // The untouched router's entry is shared, not compiled again.
        await Assert.That(ReferenceEquals(before.Tables.Plain.Routes.Single(e => e.Name == "b"), after.Tables.Plain.Routes.Single(e => e.Name == "b"))).IsTrue();
    }
}
