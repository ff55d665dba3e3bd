using System.Diagnostics;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>The published binary's command line: version, help, and exit code 2 on bad input.</summary>
public class BinaryCliTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var psi = new ProcessStartInfo(RepoPaths.EdgeBinary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Test]
    public async Task Version_prints_the_version()
    {
        var (code, output, _) = await Run("version");
        await Assert.That(code).IsEqualTo(0);
        await Assert.That(output).Contains("Version:");
    }

    [Test]
    public async Task Help_lists_provider_options_with_defaults()
    {
        var (code, output, _) = await Run("--help");
        await Assert.That(code).IsEqualTo(0);
        await Assert.That(output).Contains("--providers.kubernetesIngress.strictPrefixMatching");
        await Assert.That(output).Contains("--providers.providersThrottleDuration");
        await Assert.That(output).Contains("(Default: \"2s\")");
    }

    [Test]
    [Arguments("--providers.kubernetesingress.nosuch=1", "providers.kubernetesingress.nosuch")]
    [Arguments("--providers.kubernetesingress.allowexternalnameservices=perhaps", "allowExternalNameServices")]
    [Arguments("--entrypoints.web.address=nowhere", "entryPoints.web.address")]
    public async Task Bad_flag_exits_2_with_one_line_naming_the_option(string flag, string option)
    {
        var (code, _, err) = await Run(flag);
        await Assert.That(code).IsEqualTo(2);
        var lines = err.Trim().Split('\n');
        await Assert.That(lines.Length).IsEqualTo(1);
        await Assert.That(lines[0]).Contains(option);
    }

    [Test]
    public async Task Broken_toml_exits_2()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, "[entryPoints.web\naddress = \":80\"\n");
        var (code, _, err) = await Run("--configfile=" + path);
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(err).Contains(path);
    }
}
