using Edge.Aggregation;
using Edge.Configuration;
using Edge.DataPlane;
using Edge.DataPlane.Routing.Requests;
using Edge.Model;
using Edge.Tests.DataPlane.Routing.Table;

namespace Edge.Tests.DataPlane;

/// <summary>
/// The data plane patches a change into its previous compilation (EdgeDataPlanePatch); what it
/// serves must be what a whole compilation of the same configuration serves: the routers in
/// error (and why), the routes of every entry point, the chains and the services. Random edits
/// of routers, services and the middlewares routers name, checked after each one.
/// </summary>
public class IncrementalCompileTests
{
    private static StaticConfig Statics()
    {
        var config = new StaticConfig();
        config.EntryPoints["web"] = new EntryPointOptions { Name = "web", Address = ":80" };
        config.EntryPoints["other"] = new EntryPointOptions { Name = "other", Address = ":81" };
        return config;
    }

    // A service's own middlewares make its routers' errors and chains depend on it: a missing one
    // puts them in error, an existing one gives them a chain.
    private static Service NewService(int port) => new()
    {
        LoadBalancer = new ServersLoadBalancer { Servers = [new Server { Url = $"http://127.0.0.1:{port}" }] },
        Middlewares = (port % 3) switch { 0 => ["missing"], 1 => ["mw"], _ => null },
    };

    private static List<string> Describe(DataPlaneState state)
    {
        var lines = state.RouterErrors.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"error {kv.Key}: {kv.Value}").ToList();
        // A chain is only ever run for a served router (one in error may keep one, unused).
        lines.Add("chains " + string.Join(",", state.Chains.Keys.Where(k => !state.RouterErrors.ContainsKey(k)).Order(StringComparer.Ordinal)));
        lines.Add("services " + string.Join(",", state.Services.Keys.Order(StringComparer.Ordinal)));
        foreach (var (ep, routes) in state.Routes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            foreach (var table in new[] { routes.Tables.Plain, routes.Tables.Tls })
            {
                lines.Add($"{ep} {(table.Tls ? "tls" : "plain")}: " + string.Join(",", table.Routes.Select(e => $"{e.Name}>{e.ServiceKey}")));
                foreach (var host in new[] { "h0.example.com", "h1.example.com", "h2.example.com", "a.h1.example.com", "other.net" })
                    foreach (var path in new[] { "/", "/p0", "/p1/x", "/p2", "/q" })
                        lines.Add($"{ep} {host}{path} -> {table.Match(new RouteRequest(host, path, isTls: table.Tls))?.Name}");
            }
        return lines;
    }

    [Test]
    [Arguments(11)]
    [Arguments(12)]
    [Arguments(13)]
    public async Task A_patched_state_serves_what_a_whole_compilation_serves(int seed)
    {
        var rng = new Random(seed);
        var statics = Statics();
        var routers = new SortedDictionary<string, Router>(StringComparer.Ordinal);
        var services = new SortedDictionary<string, Service>(StringComparer.Ordinal);
        var middlewares = new SortedDictionary<string, Middleware>(StringComparer.Ordinal) { ["mw"] = new Middleware { AddPrefix = new AddPrefixConfig { Prefix = "/x" } } };
        for (int i = 0; i < 4; i++) services["svc" + i] = NewService(9000 + i);
        for (int i = 0; i < 15; i++) routers["r" + i] = WithMiddlewares(RouteTablePatchTests.RandomRouter(rng), rng);
        using var patched = new EdgeDataPlane(statics, new ConfigurationStore());
        int patches = 0;
        for (int step = 0; step < 120; step++)
        {
            for (int k = rng.Next(1, 4); k > 0; k--)
            {
                switch (rng.Next(5))
                {
                    case 0: routers.Remove("r" + rng.Next(25)); break;
                    case 1: // a service removed, added or replaced (its routers are checked again)
                        var s = "svc" + rng.Next(5);
                        if (rng.Next(3) == 0) services.Remove(s); else services[s] = NewService(9100 + rng.Next(100));
                        break;
                    default: routers["r" + rng.Next(25)] = WithMiddlewares(RouteTablePatchTests.RandomRouter(rng), rng); break;
                }
            }
            // Unchanged objects are the same objects, as the translation memo hands them over.
            var config = new DynamicConfig { Http = new HttpConfig { Routers = new(routers, StringComparer.Ordinal), Services = new(services, StringComparer.Ordinal), Middlewares = new(middlewares, StringComparer.Ordinal) } };
            var actual = Describe(patched.Compile(config));
            if (patched.LastCompileStages.StartsWith("patch", StringComparison.Ordinal)) patches++;
            using var whole = new EdgeDataPlane(statics, new ConfigurationStore());
            var expected = Describe(whole.Compile(config));
            await Assert.That(string.Join("\n", actual)).IsEqualTo(string.Join("\n", expected)).Because($"seed {seed}, step {step} ({patched.LastCompileStages})");
        }
        // Most changes were patched (a TLS router among them compiles whole).
        await Assert.That(patches).IsGreaterThan(40);
    }

    private static Router WithMiddlewares(Router r, Random rng)
    {
        r.Middlewares = rng.Next(6) switch { 0 => ["mw"], 1 => ["missing"], _ => null };
        return r;
    }
}
