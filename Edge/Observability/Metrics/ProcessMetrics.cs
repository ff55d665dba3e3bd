using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Edge.Observability.Metrics;

/// <summary>
/// The standard process_* metrics, read from the OS at scrape time (what Go's process collector
/// reports), so dashboards built for Traefik keep working.
/// </summary>
public static class ProcessMetrics
{
    private static readonly double StartTime = new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;

    public static void Write(StringBuilder sb)
    {
        using var p = Process.GetCurrentProcess();
        PrometheusText.Family(sb, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
        sb.Append("process_cpu_seconds_total ").Append(p.TotalProcessorTime.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        PrometheusText.Family(sb, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
        sb.Append("process_resident_memory_bytes ").Append(p.WorkingSet64).Append('\n');
        PrometheusText.Family(sb, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
        sb.Append("process_virtual_memory_bytes ").Append(p.VirtualMemorySize64).Append('\n');
        PrometheusText.Family(sb, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
        sb.Append("process_start_time_seconds ").Append(StartTime.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        if (Directory.Exists("/proc/self/fd"))
        {
            PrometheusText.Family(sb, "process_open_fds", "gauge", "Number of open file descriptors.");
            // The enumeration itself holds one descriptor on the directory; Go's collector counts it too.
            sb.Append("process_open_fds ").Append(Directory.EnumerateFileSystemEntries("/proc/self/fd").Count()).Append('\n');
        }
    }
}
