using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.Deploy;

/// <summary>
/// The FROM scratch layout: artifacts/edge with only its libraries runs in an empty root (chroot),
/// and the OCI image (umoci, where installed) has one layer, user 65532 and entrypoint /edge.
/// </summary>
[NotInParallel("edge-e2e")]
public class ImageTests
{
    private static async Task<(int Code, string Output)> Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await o + await e);
    }

    private static bool IsRoot => Environment.UserName == "root";

    [Test]
    public async Task Binary_runs_in_an_empty_root_serves_ping_and_exits_on_sigterm()
    {
        if (!IsRoot) Skip.Test("chroot needs root");
        var (code, output) = await Run(Path.Combine(RepoPaths.Root, "scripts", "rootfs"));
        await Assert.That(code).IsEqualTo(0).Because(output);
        var root = Path.Combine(RepoPaths.Root, "artifacts", "rootfs");
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order().ToList();
        await Assert.That(files).IsEquivalentTo(new[] { "edge", "lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libcrypto.so.3",
            "lib/x86_64-linux-gnu/libm.so.6", "lib/x86_64-linux-gnu/libssl.so.3", "lib64/ld-linux-x86-64.so.2" });

        var port = FreePort.Get();
        var psi = new ProcessStartInfo("chroot") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { root, "/edge", $"--entrypoints.traefik.address=127.0.0.1:{port}", $"--entrypoints.web.address=127.0.0.1:{FreePort.Get()}",
                     "--ping", "--providers.kubernetesingress=false" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var body = await Eventually.UntilAsync(async () =>
        {
            try { return await http.GetStringAsync($"http://127.0.0.1:{port}/ping"); }
            catch (HttpRequestException) { return null; }
        }, b => b is not null, TimeSpan.FromSeconds(10), _ => "edge in the empty root never answered /ping");
        await Assert.That(body).IsEqualTo("OK");
        Signals.Terminate(p.Id);   // chroot execs edge: this PID is edge's
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await p.WaitForExitAsync(cts.Token);
        await Assert.That(p.ExitCode).IsEqualTo(0);
    }

    [Test]
    public async Task Oci_image_has_one_layer_the_rootfs_user_65532_and_entrypoint_edge()
    {
        if (!File.Exists("/usr/bin/umoci")) Skip.Test("umoci is not installed");
        var (code, output) = await Run(Path.Combine(RepoPaths.Root, "scripts", "image"));
        await Assert.That(code).IsEqualTo(0).Because(output);
        await Assert.That(output).Contains("MiB");
        var layout = Path.Combine(RepoPaths.Root, "artifacts", "image");
        string Blob(string digest) => Path.Combine(layout, "blobs", "sha256", digest.Split(':')[1]);
        var index = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")))!;
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Blob((string)index["manifests"]![0]!["digest"]!)))!;
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Blob((string)manifest["config"]!["digest"]!)))!;
        await Assert.That((string)config["config"]!["User"]!).IsEqualTo("65532:65532");
        await Assert.That(config["config"]!["Entrypoint"]!.ToJsonString()).IsEqualTo("[\"/edge\"]");
        await Assert.That(config["config"]!["ExposedPorts"]!.AsObject().ContainsKey("8080/tcp")).IsTrue();
        var layers = manifest["layers"]!.AsArray();
        await Assert.That(layers.Count).IsEqualTo(1);

        var entries = new List<string>();
        await using (var gz = new GZipStream(File.OpenRead(Blob((string)layers[0]!["digest"]!)), CompressionMode.Decompress))
        {
            using var tar = new TarReader(gz);
            while (tar.GetNextEntry() is { } e)
                if (e.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile) entries.Add(e.Name.TrimStart('.', '/'));
        }
        await Assert.That(entries.Order().ToList()).IsEquivalentTo(new[] { "edge", "lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libcrypto.so.3",
            "lib/x86_64-linux-gnu/libm.so.6", "lib/x86_64-linux-gnu/libssl.so.3", "lib64/ld-linux-x86-64.so.2" });
    }
}
