using System.Diagnostics;
using System.Text;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;

namespace Edge.Tests.Fuzz;

/// <summary>
/// Randomized property tests over the parsers that read user input (the CI half of fuzzing; the
/// coverage-guided half is scripts/fuzz). Inputs are seeded mutations of real inputs, so a failure
/// names the seed and the input and reproduces exactly. Properties: a parser accepts or rejects
/// the documented way and never throws anything else, never hangs, and rules that Traefik's
/// corpus uses always parse.
/// </summary>
public class ParserPropertyTests
{
    // EDGE_FUZZ_ITERATIONS raises it for a longer local hunt; CI runs the default.
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("EDGE_FUZZ_ITERATIONS"), out var n) ? n : 3000;

    public static IEnumerable<string> Targets() => FuzzTargets.All.Keys;

    [Test]
    [MethodDataSource(nameof(Targets))]
    public async Task Mutated_inputs_are_accepted_or_rejected_the_documented_way(string target)
    {
        var seeds = FuzzSeeds.For(target);
        var run = FuzzTargets.All[target];
        // string.GetHashCode is randomised per process, so it cannot seed a replayable run: the seed
        // is a stable hash of the target's name, or EDGE_FUZZ_SEED to replay a failure.
        var seed = SeedFor(target);
        var rng = new Random(seed);
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < Iterations; i++)
        {
            var input = Mutate(seeds[rng.Next(seeds.Count)], rng, seeds);
            var sw = Stopwatch.StartNew();
            try
            {
                run(input);
            }
            catch (Exception e)
            {
                Assert.Fail($"{target} #{i} (seed {seed}, replay with EDGE_FUZZ_SEED={seed}): {e.GetType().Name}: {e.Message}\ninput: {Escape(input)}");
            }
            if (sw.Elapsed > slowest) slowest = sw.Elapsed;
        }
        // A hang detector, not a performance assertion: no single input may take seconds.
        await Assert.That(slowest).IsLessThan(TimeSpan.FromSeconds(2));
    }

    [Test]
    public async Task Every_rule_of_the_corpus_parses()
    {
        foreach (var rule in FuzzSeeds.Rules().Where(r => !r.Contains("HostSNI")))
        {
            var r = RuleParser.Parse("corpus", rule, RuleSyntax.V3);
            if (!r.Success) r = RuleParser.Parse("corpus", rule, RuleSyntax.V2);
            await Assert.That(r.Success).IsTrue().Because(rule + ": " + r.Error);
        }
    }

    [Test]
    public async Task Generated_well_formed_rules_parse_and_negating_them_keeps_them_valid()
    {
        var rng = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            var rule = Expression(rng, depth: 0);
            var parsed = RuleParser.Parse("gen", rule, RuleSyntax.V3);
            await Assert.That(parsed.Success).IsTrue().Because(rule + ": " + parsed.Error);
            await Assert.That(RuleParser.Parse("gen", "!(" + rule + ")", RuleSyntax.V3).Success).IsTrue().Because(rule);
            // Cutting a well-formed rule short must be an error, not an exception.
            var cut = rule[..rng.Next(rule.Length)];
            _ = RuleParser.Parse("gen", cut, RuleSyntax.V3);
        }
    }

    [Test]
    public async Task Flag_names_are_case_insensitive_for_every_option()
    {
        foreach (var o in OptionRegistry.All.Where(o => o.Kind is OptionKind.Bool && !o.Name.Contains('<')))
        {
            var lower = Outcome(["--" + o.Name.ToLowerInvariant() + "=true"]);
            var upper = Outcome(["--" + o.Name.ToUpperInvariant() + "=true"]);
            await Assert.That(upper).IsEqualTo(lower).Because(o.Name);
        }
    }

    private static string Outcome(string[] args)
    {
        try
        {
            var c = ConfigLoader.Load(args, new Dictionary<string, string?>());
            return "ok " + string.Join(",", c.EntryPoints.Keys.Order()) + " api=" + c.Api.Enabled + c.Api.Insecure + " ping=" + c.Ping.Enabled
                + " tenancy=" + c.KubernetesIngress.TenancyEnabled + " le=" + c.LeaderElection.Enabled + " al=" + c.AccessLog.Enabled
                + " prom=" + c.Metrics.PrometheusEnabled + " empty=" + c.KubernetesIngress.AllowEmptyServices;
        }
        catch (ConfigException e) { return "error " + e.Message.ToLowerInvariant(); }
    }

    private static readonly string[] Atoms =
    [
        "Host(`a.example.com`)", "Host(`*.example.com`)", "PathPrefix(`/api`)", "Path(`/x/y`)", "Method(`POST`)",
        "Header(`X-Env`, `prod`)", "Query(`debug`, `1`)", "ClientIP(`192.168.0.0/16`)", "PathRegexp(`^/v[0-9]+`)",
        "HostRegexp(`^[a-z]+\\.example\\.com$`)", "HeaderRegexp(`X-A`, `^b.*`)", "QueryRegexp(`q`, `^[0-9]+$`)",
    ];

    private static string Expression(Random rng, int depth)
    {
        if (depth > 3 || rng.Next(3) == 0) return Atoms[rng.Next(Atoms.Length)];
        return rng.Next(4) switch
        {
            0 => Expression(rng, depth + 1) + " && " + Expression(rng, depth + 1),
            1 => Expression(rng, depth + 1) + " || " + Expression(rng, depth + 1),
            2 => "!" + Atoms[rng.Next(Atoms.Length)],
            _ => "(" + Expression(rng, depth + 1) + ")",
        };
    }

    private static readonly string[] Splices =
    [
        "`", "\"", "(", ")", "&&", "||", "!", ",", "\\", "\n", "=", "[", "]", "{", "}", "*", ".", "..", "%", "\0", "é", "\u2028",
        "\uD83D\uDE00", "\uD800", "Host(", "PathPrefix(`", "0", "-1", "99999999999999999999", "true", "\"\"\"", "[a.b]", "= [",
        "router.", "service.", "tls.domains.0.", "sticky.cookie.", ".main=", "--", "entrypoints.", "<name>", new string('a', 300),
    ];

    /// <summary>FNV-1a of the target name (the same in every process), unless EDGE_FUZZ_SEED is set.</summary>
    internal static int SeedFor(string target)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("EDGE_FUZZ_SEED"), out var replay)) return replay;
        uint h = 2166136261;
        foreach (var c in target) { h ^= c; h *= 16777619; }
        return (int)(h & 0x7fffffff);
    }

    /// <summary>One to four random edits: splice a token, delete a span, duplicate a span, flip a byte, cross with another seed.</summary>
    private static string Mutate(string seed, Random rng, IReadOnlyList<string> seeds)
    {
        var s = new StringBuilder(seed);
        for (int edits = rng.Next(1, 5); edits > 0; edits--)
        {
            int at = s.Length == 0 ? 0 : rng.Next(s.Length + 1);
            switch (rng.Next(5))
            {
                case 0: s.Insert(at, Splices[rng.Next(Splices.Length)]); break;
                case 1: if (s.Length > 0) { int n = Math.Min(rng.Next(1, 20), s.Length - Math.Min(at, s.Length - 1)); s.Remove(Math.Min(at, s.Length - 1), Math.Max(1, n)); } break;
                case 2: if (at < s.Length) { int n = Math.Min(rng.Next(1, 30), s.Length - at); s.Insert(at, s.ToString(at, n)); } break;
                case 3: if (at < s.Length) s[at] = (char)rng.Next(0, 0x250); break;
                default:
                    var other = seeds[rng.Next(seeds.Count)];
                    int from = other.Length == 0 ? 0 : rng.Next(other.Length);
                    s.Insert(at, other.AsSpan(from, Math.Min(other.Length - from, rng.Next(1, 60))));
                    break;
            }
        }
        return s.ToString();
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\0", "\\0");
}
