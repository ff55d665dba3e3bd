using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Edge.Security.Acme.Dns;
using Edge.Tests.Support;

namespace Edge.Tests.Acme;

/// <summary>
/// Debian's bind9 <c>named</c> on a loopback port, in the foreground (-g) with a generated
/// configuration in a temporary directory: the zone acme.test (app and ns at 127.0.0.1) open to
/// dynamic updates signed with one hmac-sha256 TSIG key, no recursion. Stopped by its own PID.
/// </summary>
public sealed class BindServer : IAsyncDisposable
{
    public const string Zone = "acme.test";
    public const string KeyName = "edge-key.";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    public int Port { get; }
    public string Secret { get; }
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);
    public string Output { get { lock (_output) return _output.ToString(); } }
    public static bool Installed => File.Exists("/usr/sbin/named");

    public TsigKey Key => new(KeyName, "hmac-sha256.", Convert.FromBase64String(Secret));

    private BindServer(Process process, int port, string secret) { _process = process; Port = port; Secret = secret; }

    public static async Task<BindServer> StartAsync(string parent)
    {
        if (!Installed) throw new InvalidOperationException("named is not installed (apt-get install bind9; .ci/run installs it)");
        var dir = Directory.CreateDirectory(Path.Combine(parent, "named-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var port = FreePort.Get();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(Path.Combine(dir, "acme.test.zone"), """
            $TTL 60
            @   IN SOA ns.acme.test. hostmaster.acme.test. 1 60 60 600 5
            @   IN NS  ns.acme.test.
            ns  IN A   127.0.0.1
            app IN A   127.0.0.1
            """);
        var conf = Path.Combine(dir, "named.conf");
        File.WriteAllText(conf, $$"""
            options {
              directory "{{dir}}";
              pid-file "{{dir}}/named.pid";
              session-keyfile "{{dir}}/session.key";
              managed-keys-directory "{{dir}}";
              listen-on port {{port}} { 127.0.0.1; };
              listen-on-v6 { none; };
              recursion no;
              dnssec-validation no;
              notify no;
            };
            controls { };
            key "{{KeyName}}" { algorithm hmac-sha256; secret "{{secret}}"; };
            zone "{{Zone}}" { type primary; file "{{dir}}/acme.test.zone"; journal "{{dir}}/acme.test.jnl"; allow-update { key "{{KeyName}}"; }; };
            """);
        var psi = new ProcessStartInfo("/usr/sbin/named") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-g", "-c", conf, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-4", "-n", "1"]) psi.ArgumentList.Add(a);
        var proc = Process.Start(psi)!;
        var bind = new BindServer(proc, port, secret);
        proc.OutputDataReceived += (_, d) => { if (d.Data is not null) lock (bind._output) bind._output.AppendLine(d.Data); };
        proc.ErrorDataReceived += (_, d) => { if (d.Data is not null) lock (bind._output) bind._output.AppendLine(d.Data); };
        proc.BeginOutputReadLine();
        proc.BeginErrorReadLine();
        await Eventually.UntilAsync(async () =>
        {
            if (proc.HasExited) throw new InvalidOperationException("named exited:\n" + bind.Output);
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return bind.Output.Contains("running");
            }
            catch (SocketException) { return false; }
        }, TimeSpan.FromSeconds(20), () => "named did not start:\n" + bind.Output);
        return bind;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Signals.Terminate(_process.Id);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(); }
        _process.Dispose();
    }
}
