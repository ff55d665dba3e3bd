using System.Diagnostics;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>Runs artifacts/edge once as a command (not a server) and captures exit code, stdout, stderr.</summary>
public static class CliRunner
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(IEnumerable<string> args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(RepoPaths.EdgeBinary)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The same isolation as EdgeProcess: no option may leak in from the test runner's environment.
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("TRAEFIK_") || k.StartsWith("EDGE_")).ToList()) psi.Environment.Remove(k);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
