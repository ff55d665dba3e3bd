using System.Text;
using Edge.Tests.Fuzz;

namespace Edge.Bench;

/// <summary>
/// scripts/fuzz's two entry points: <c>fuzz-seeds DIR TARGET</c> writes the seed corpus, and
/// <c>fuzz TARGET</c> runs one target under AFL++ through SharpFuzz's forkserver (the Edge
/// assembly is instrumented by the sharpfuzz tool first). An exception that escapes a target is a
/// crash that AFL++ saves.
/// </summary>
public static class FuzzHarness
{
    public static int Run(string[] args)
    {
        if (args[0] == "fuzz-seeds")
        {
            if (args.Length < 3 || !FuzzTargets.All.ContainsKey(args[2])) return Usage();
            Directory.CreateDirectory(args[1]);
            var seeds = FuzzSeeds.For(args[2]);
            for (int i = 0; i < seeds.Count; i++) File.WriteAllText(Path.Combine(args[1], $"seed-{i:D4}"), seeds[i]);
            Console.WriteLine($"{seeds.Count} seeds for {args[2]} in {args[1]}");
            return 0;
        }
        if (args.Length < 2 || !FuzzTargets.All.TryGetValue(args[1], out var target)) return Usage();
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            target(reader.ReadToEnd());
        });
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Edge.Bench fuzz TARGET | fuzz-seeds DIR TARGET   (targets: " + string.Join(", ", FuzzTargets.All.Keys) + ")");
        return 2;
    }
}
