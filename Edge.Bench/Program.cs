namespace Edge.Bench;

public static class BenchMain
{
    /// <summary>
    /// BenchmarkDotNet suites, or <c>fake-apiserver --port N --manifests DIR</c>: the test suite's fake
    /// Kubernetes API server, for scripts/bench-* runs of the whole proxy.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "fake-apiserver")
            return await Edge.Tests.FakeApi.FakeApiServerHost.RunStandaloneAsync(args[1..]);
        if (args.Length > 0 && args[0] == "yarp")
            return await YarpPeer.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "change-cost")
            return ChangeCostProfile.Run(args[1..]);
        if (args.Length > 0 && args[0] == "route-cost")
            return RouteCostProfile.Run(args[1..]);
        if (args.Length > 0 && args[0] is "fuzz" or "fuzz-seeds")
            return FuzzHarness.Run(args);
        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(BenchMain).Assembly).Run(args);
        return 0;
    }
}
