using System.Diagnostics;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// scripts/soak for 60 seconds (CI's budget; the README gives a 10-minute run): steady load on an
/// unchanged route while routes change, the API server restarts and a backend restarts. The
/// script itself checks failed requests, RSS growth and descriptor leaks and exits 1 on a breach;
/// this test asserts its verdict and the figures it printed.
/// </summary>
[NotInParallel("edge-e2e")]
public class SoakTests
{
    [Test]
    [Timeout(180_000)]
    public async Task Sixty_second_soak_has_no_failed_request_and_no_growth(CancellationToken ct)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "soak"), "--duration", "60s"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var output = await stdout + await stderr;
        var verdict = output.Split('\n').LastOrDefault(l => l.StartsWith("soak: ", StringComparison.Ordinal)) ?? "";
        await Assert.That(p.ExitCode).IsEqualTo(0).Because(output);
        await Assert.That(verdict).StartsWith("soak: ok ");
        var fields = verdict.Split(' ').Where(f => f.Contains('=')).Select(f => f.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        await Assert.That(fields["failed"]).IsEqualTo("0");
        await Assert.That(long.Parse(fields["requests"])).IsGreaterThan(1000);
        await Assert.That(int.Parse(fields["api_faults"])).IsGreaterThanOrEqualTo(1);
        await Assert.That(int.Parse(fields["backend_restarts"])).IsGreaterThanOrEqualTo(2);
        await Assert.That(int.Parse(fields["route_changes"])).IsGreaterThan(200);
    }
}
