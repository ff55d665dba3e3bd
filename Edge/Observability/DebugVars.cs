using System.Runtime;
using System.Text.Json;

namespace Edge.Observability;

/// <summary>
/// Traefik's <c>api.debug</c> endpoint <c>/debug/vars</c> (Go's expvar: a JSON object of named
/// values). Go publishes <c>cmdline</c> and <c>memstats</c>; Edge publishes <c>cmdline</c>, the
/// .NET GC's view of the heap under <c>gc</c>, and under <c>edge</c> the size of every table Edge
/// keeps between configurations (caches, metric cells, informer items, pooled backend
/// connections), so that growth under churn can be seen and tested from outside the process.
/// </summary>
public sealed class DebugVars
{
    private readonly List<(string Name, Func<long> Read)> _sizes = new();

    /// <summary>Adds a size read at each request (cheap reads only: counts of maps).</summary>
    public DebugVars Add(string name, Func<long> read)
    {
        lock (_sizes) _sizes.Add((name, read));
        return this;
    }

    public string Write()
    {
        List<(string Name, Func<long> Read)> sizes;
        lock (_sizes) sizes = _sizes.ToList();
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("cmdline");
            foreach (var a in Environment.GetCommandLineArgs()) w.WriteStringValue(a);
            w.WriteEndArray();
            WriteGc(w);
            w.WriteStartObject("edge");
            foreach (var (name, read) in sizes) w.WriteNumber(name, read());
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteGc(Utf8JsonWriter w)
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        w.WriteStartObject("gc");
        w.WriteBoolean("serverGC", GCSettings.IsServerGC);
        w.WriteString("latencyMode", GCSettings.LatencyMode.ToString());
        w.WriteString("conserveMemory", AppContext.GetData("System.GC.ConserveMemory")?.ToString()
            ?? Environment.GetEnvironmentVariable("DOTNET_GCConserveMemory") ?? "0");
        // Live managed bytes (no collection forced), the heap after the last GC, and what the GC
        // has committed from the OS: RSS above the last is native memory, not the managed heap.
        w.WriteNumber("totalMemoryBytes", GC.GetTotalMemory(false));
        w.WriteNumber("heapSizeBytes", info.HeapSizeBytes);
        w.WriteNumber("fragmentedBytes", info.FragmentedBytes);
        w.WriteNumber("committedBytes", info.TotalCommittedBytes);
        w.WriteNumber("totalAvailableMemoryBytes", info.TotalAvailableMemoryBytes);
        w.WriteNumber("gen0Collections", GC.CollectionCount(0));
        w.WriteNumber("gen1Collections", GC.CollectionCount(1));
        w.WriteNumber("gen2Collections", GC.CollectionCount(2));
        w.WriteNumber("totalAllocatedBytes", GC.GetTotalAllocatedBytes(false));
        w.WriteEndObject();
    }
}
