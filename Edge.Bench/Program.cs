namespace Edge.Bench;

public static class BenchMain
{
    public static void Main(string[] args) =>
        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(BenchMain).Assembly).Run(args);
}
