using System.Diagnostics;

namespace Edge.Tests.Support;

/// <summary>
/// Debian's chromium, headless, dumping a page's DOM after its scripts ran (virtual time lets the
/// fetches finish without a fixed sleep). A fresh profile directory per run; no network but the URL.
/// </summary>
public static class HeadlessChromium
{
    public static string? Find() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public static async Task<string> DumpDomAsync(string url, int virtualTimeMs = 3000) =>
        await RunAsync(url, ["--virtual-time-budget=" + virtualTimeMs, "--dump-dom"]);

    /// <summary>A PNG of the page as a 1280x<paramref name="height"/> window shows it, once its scripts ran.</summary>
    public static async Task ScreenshotAsync(string url, string pngPath, int height = 1100)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
        File.Delete(pngPath);
        await RunAsync(url, ["--virtual-time-budget=4000", "--hide-scrollbars", "--window-size=1280," + height, "--screenshot=" + Path.GetFullPath(pngPath)], allowEmptyOutput: true);
        if (!File.Exists(pngPath)) throw new InvalidOperationException("chromium wrote no screenshot to " + pngPath);
    }

    private static async Task<string> RunAsync(string url, string[] mode, bool allowEmptyOutput = false)
    {
        var exe = Find() ?? throw new InvalidOperationException("chromium is not installed (apt-get install chromium; .ci/run installs it)");
        var profile = Directory.CreateTempSubdirectory("edge-chromium-");
        try
        {
            var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            string[] args =
                     [
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile.FullName,
                         .. mode, url,
                     ];
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try { await p.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { p.Kill(entireProcessTree: true); throw new TimeoutException("chromium did not finish:\n" + await stderr); }
            var dom = await stdout;
            if (p.ExitCode != 0 || (dom.Length == 0 && !allowEmptyOutput)) throw new InvalidOperationException($"chromium exited {p.ExitCode}:\n{await stderr}");
            return dom;
        }
        finally { profile.Delete(recursive: true); }
    }
}
