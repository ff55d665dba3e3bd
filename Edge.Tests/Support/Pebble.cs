using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>
/// Debian's pebble (Let's Encrypt's test CA) with real validation, on loopback only: its own DNS
/// is pebble-challtestsrv answering 127.0.0.1 for every name (no AAAA), and it validates HTTP-01 on
/// <c>httpPort</c> and TLS-ALPN-01 on <c>tlsPort</c> of 127.0.0.1 - the entry points of the edge under
/// test. PEBBLE_VA_NOSLEEP and PEBBLE_WFE_NONCEREJECT=0 keep it fast and deterministic, and
/// authorizations are never reused so every order is validated for real.
/// </summary>
public sealed class Pebble : IAsyncDisposable
{
    private readonly List<Process> _processes = new();
    private readonly StringBuilder _output = new();
    private readonly string _dir;
    private int _alternateRoots;

    public int WfePort { get; }
    public int ManagementPort { get; }
    public string DirectoryUrl => $"https://127.0.0.1:{WfePort}/dir";
    /// <summary>The PEM of the certificate pebble's API serves (self-signed), for caCertificates.</summary>
    public string ApiCertificateFile { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static bool Installed => File.Exists("/usr/bin/pebble") && File.Exists("/usr/bin/pebble-challtestsrv");

    private Pebble(string dir, int wfe, int management, string apiCert)
    {
        _dir = dir; WfePort = wfe; ManagementPort = management; ApiCertificateFile = apiCert;
    }

    /// <param name="validitySeconds">certificateValidityPeriod of the certificates it issues.</param>
    /// <param name="alternateRoots">PEBBLE_ALTERNATE_ROOTS: chains to that many more roots, offered as Link rel="alternate".</param>
    /// <param name="dnsServer">ip:port pebble resolves with (and reads DNS-01 TXT records from) instead of a pebble-challtestsrv of its own.</param>
    public static async Task<Pebble> StartAsync(string dir, int httpPort, int tlsPort, long validitySeconds = 157766400, int alternateRoots = 0, string? dnsServer = null)
    {
        if (!Installed) throw new InvalidOperationException("pebble is not installed (apt-get install pebble; .ci/run installs it)");
        int wfe = FreePort.Get(), management = FreePort.Get(), dns = FreePort.Get(), challManagement = FreePort.Get();
        var (certFile, keyFile) = WriteApiCertificate(dir);
        var config = Path.Combine(dir, "pebble-config.json");
        File.WriteAllText(config, $$"""
            {"pebble": {"listenAddress": "127.0.0.1:{{wfe}}", "managementListenAddress": "127.0.0.1:{{management}}",
              "certificate": "{{certFile}}", "privateKey": "{{keyFile}}", "httpPort": {{httpPort}}, "tlsPort": {{tlsPort}},
              "ocspResponderURL": "", "externalAccountBindingRequired": false, "certificateValidityPeriod": {{validitySeconds}} } }
            """);
        var p = new Pebble(dir, wfe, management, certFile) { _alternateRoots = alternateRoots };
        if (dnsServer is null)
            p.Start("/usr/bin/pebble-challtestsrv", ["-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", $"127.0.0.1:{dns}",
                "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", $"127.0.0.1:{challManagement}"]);
        p.Start("/usr/bin/pebble", ["-config", config, "-dnsserver", dnsServer ?? $"127.0.0.1:{dns}"]);
        using var http = p.Client();
        await Eventually.UntilAsync(async () =>
        {
            if (p._processes.Any(x => x.HasExited)) throw new InvalidOperationException("pebble exited:\n" + p.Output);
            try { using var r = await http.GetAsync(p.DirectoryUrl); return r.IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(15), () => "pebble did not answer:\n" + p.Output);
        return p;
    }

    private void Start(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PEBBLE_VA_NOSLEEP"] = "1";
        psi.Environment["PEBBLE_WFE_NONCEREJECT"] = "0";
        psi.Environment["PEBBLE_AUTHZREUSE"] = "0";
        psi.Environment["PEBBLE_ALTERNATE_ROOTS"] = _alternateRoots.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var proc = Process.Start(psi)!;
        proc.OutputDataReceived += (_, d) => { if (d.Data is not null) lock (_output) _output.AppendLine(d.Data); };
        proc.ErrorDataReceived += (_, d) => { if (d.Data is not null) lock (_output) _output.AppendLine(d.Data); };
        proc.BeginOutputReadLine();
        proc.BeginErrorReadLine();
        _processes.Add(proc);
    }

    /// <summary>A client trusting pebble's API certificate (and nothing else).</summary>
    public HttpClient Client()
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(ApiCertificateFile);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            return cert is not null && chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The root pebble issues under (random per run: fetched from its management API).</summary>
    public async Task<X509Certificate2> RootAsync(int index = 0)
    {
        using var http = Client();
        var pem = await http.GetStringAsync($"https://127.0.0.1:{ManagementPort}/roots/{index}");
        return X509Certificate2.CreateFromPem(pem);
    }

    private static (string Cert, string Key) WriteApiCertificate(string dir)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=pebble", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certFile = Path.Combine(dir, "pebble-api.crt");
        var keyFile = Path.Combine(dir, "pebble-api.key");
        File.WriteAllText(certFile, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        return (certFile, keyFile);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            if (!p.HasExited) Signals.Terminate(p.Id);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await p.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { p.Kill(); }
            p.Dispose();
        }
    }
}
