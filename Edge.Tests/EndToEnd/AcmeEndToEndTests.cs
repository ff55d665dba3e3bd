using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Certificate resolvers against a real ACME server: artifacts/edge with the file provider and
/// Debian's pebble validating for real over loopback (HTTP-01 on the web entry point, TLS-ALPN-01 on
/// the TLS one). A TLS client then sees a chain issued by pebble's CA for the router's host;
/// acme.json is written 0600 and reused on restart; a short-lived certificate is renewed.
/// </summary>
[NotInParallel("edge-e2e")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AcmeEndToEndTests : IDisposable
{
    private const string Host = "app.acme.test";
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-acme-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Ports(int Web, int Tls, int Api);

    private static Ports NewPorts() => new(FreePort.Get(), FreePort.Get(), FreePort.Get());

    private string DynamicFile(int backendPort, string resolver = "pebble")
    {
        var file = Path.Combine(_dir, "dynamic.yaml");
        File.WriteAllText(file, $$"""
            http:
              routers:
                app:
                  rule: Host(`{{Host}}`)
                  entryPoints: [websecure]
                  service: app
                  tls:
                    certResolver: {{resolver}}
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: http://127.0.0.1:{{backendPort}}
            """);
        return file;
    }

    private Task<EdgeProcess> StartEdgeAsync(Ports p, Pebble pebble, string dynamicFile, string challenge, params string[] more) =>
        EdgeProcess.StartExactAsync([
            $"--entrypoints.web.address=127.0.0.1:{p.Web}", $"--entrypoints.websecure.address=127.0.0.1:{p.Tls}",
            $"--entrypoints.traefik.address=127.0.0.1:{p.Api}", "--api.insecure=true", "--ping=true", "--log.level=INFO",
            $"--providers.file.filename={dynamicFile}",
            $"--certificatesresolvers.pebble.acme.caserver={pebble.DirectoryUrl}",
            $"--certificatesresolvers.pebble.acme.cacertificates={pebble.ApiCertificateFile}",
            $"--certificatesresolvers.pebble.acme.storage={Path.Combine(_dir, "acme.json")}",
            "--certificatesresolvers.pebble.acme.email=ops@acme.test",
            "--certificatesresolvers.pebble.acme.keytype=EC256",
            challenge, .. more], p.Web, p.Api);

    /// <summary>The chain a TLS client is given for <paramref name="sni"/>, leaf first.</summary>
    private static async Task<List<X509Certificate2>> ChainAsync(int port, string sni)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        List<X509Certificate2> chain = [];
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = sni,
            RemoteCertificateValidationCallback = (_, cert, ch, _) =>
            {
                chain = ch!.ChainElements.Select(e => X509CertificateLoader.LoadCertificate(e.Certificate.RawData)).ToList();
                if (chain.Count == 0 && cert is not null) chain.Add(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
                return true;
            },
        });
        return chain;
    }

    /// <summary>Waits until the leaf served for the host is issued by pebble (not the default certificate).</summary>
    private static async Task<X509Certificate2> WaitForIssuedAsync(int port, EdgeProcess edge, Pebble pebble, TimeSpan? timeout = null)
    {
        X509Certificate2? leaf = null;
        await Eventually.UntilAsync(async () =>
        {
            var chain = await ChainAsync(port, Host);
            leaf = chain.FirstOrDefault();
            return leaf is not null && !leaf.Subject.Contains("TRAEFIK DEFAULT CERT");
        }, timeout ?? TimeSpan.FromSeconds(60), () => $"no issued certificate for {Host}\nedge:\n{edge.Output}\npebble:\n{pebble.Output}");
        return leaf!;
    }

    /// <summary>The served leaf and its intermediates build to pebble's root, for the host.</summary>
    private static async Task AssertIssuedByPebbleAsync(int port, Pebble pebble)
    {
        var root = await pebble.RootAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        bool valid = false;
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = Host,
            RemoteCertificateValidationCallback = (_, cert, ch, errors) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                // Only what the server sent: the intermediates come from the handshake.
                foreach (var e in ch!.ChainElements.Skip(1)) chain.ChainPolicy.ExtraStore.Add(e.Certificate);
                valid = chain.Build(X509CertificateLoader.LoadCertificate(cert!.GetRawCertData()))
                    && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
                return true;
            },
        });
        await Assert.That(valid).IsTrue().Because("the chain builds to pebble's root and names the host");
    }

    [Test]
    public async Task Http01_issues_a_certificate_served_by_sni_stored_0600_and_reused_on_restart()
    {
        if (!Pebble.Installed) throw new InvalidOperationException("pebble is not installed (.ci/run installs it)");
        await using var backend = await EchoBackend.StartAsync("app");
        var p = NewPorts();
        await using var pebble = await Pebble.StartAsync(_dir, httpPort: p.Web, tlsPort: p.Tls);
        var file = DynamicFile(backend.Port);
        string serial;
        await using (var edge = await StartEdgeAsync(p, pebble, file, "--certificatesresolvers.pebble.acme.httpchallenge.entrypoint=web"))
        {
            var leaf = await WaitForIssuedAsync(p.Tls, edge, pebble);
            serial = leaf.SerialNumber;
            await Assert.That(CertificateNames(leaf)).IsEquivalentTo(new[] { Host });
            await AssertIssuedByPebbleAsync(p.Tls, pebble);
            var (response, _) = await TlsEndToEndTests.GetAsync(p.Tls, Host);
            using (response) await Assert.That((int)response.StatusCode).IsEqualTo(200);
            await Assert.That(edge.Output).Contains("ACME certificate obtained").And.Contains("app@file");
            // An unknown token on the challenge entry point is Traefik's 404, before any router.
            using var probe = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{p.Web}/.well-known/acme-challenge/unknown") { Headers = { Host = Host } };
            using var r = await edge.Http.SendAsync(probe);
            await Assert.That((int)r.StatusCode).IsEqualTo(404);
        }
        var storage = Path.Combine(_dir, "acme.json");
        await Assert.That(File.GetUnixFileMode(storage)).IsEqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var stored = JsonNode.Parse(File.ReadAllText(storage))!["pebble"]!;
        await Assert.That((string?)stored["Account"]!["Registration"]!["uri"]).StartsWith($"https://127.0.0.1:{pebble.WfePort}/");
        await Assert.That((string?)stored["Certificates"]![0]!["domain"]!["main"]).IsEqualTo(Host);

        await using (var again = await StartEdgeAsync(p, pebble, file, "--certificatesresolvers.pebble.acme.httpchallenge.entrypoint=web"))
        {
            var leaf = await WaitForIssuedAsync(p.Tls, again, pebble, TimeSpan.FromSeconds(10));
            await Assert.That(leaf.SerialNumber).IsEqualTo(serial);
            await Task.Delay(TimeSpan.FromSeconds(3));   // give a wrong implementation the time to order
            await Assert.That(again.Output).DoesNotContain("Obtaining ACME certificate");
            await Assert.That(again.Output).DoesNotContain("ACME account registered");
        }
    }

    [Test]
    public async Task TlsAlpn01_issues_a_certificate_for_the_router_host()
    {
        if (!Pebble.Installed) throw new InvalidOperationException("pebble is not installed (.ci/run installs it)");
        await using var backend = await EchoBackend.StartAsync("app");
        var p = NewPorts();
        await using var pebble = await Pebble.StartAsync(_dir, httpPort: p.Web, tlsPort: p.Tls);
        await using var edge = await StartEdgeAsync(p, pebble, DynamicFile(backend.Port), "--certificatesresolvers.pebble.acme.tlschallenge=true", "--log.level=DEBUG");
        var leaf = await WaitForIssuedAsync(p.Tls, edge, pebble);
        await Assert.That(CertificateNames(leaf)).IsEquivalentTo(new[] { Host });
        await AssertIssuedByPebbleAsync(p.Tls, pebble);
        // Validated on the TLS entry point by pebble's acme-tls/1 handshake, not over HTTP.
        await Assert.That(edge.Output).Contains("Answering the TLS-ALPN-01 challenge");
        await Assert.That(edge.Output).DoesNotContain("Answering the HTTP-01 challenge");
    }

    [Test]
    public async Task A_short_lived_certificate_is_renewed_on_traefiks_schedule()
    {
        if (!Pebble.Installed) throw new InvalidOperationException("pebble is not installed (.ci/run installs it)");
        await using var backend = await EchoBackend.StartAsync("app");
        var p = NewPorts();
        // 10 minutes of validity with certificatesDuration=1 (hour): Traefik renews 20 minutes before expiry, so at once.
        await using var pebble = await Pebble.StartAsync(_dir, httpPort: p.Web, tlsPort: p.Tls, validitySeconds: 600);
        var file = DynamicFile(backend.Port);
        string[] args = ["--certificatesresolvers.pebble.acme.certificatesduration=1"];
        string first;
        await using (var edge = await StartEdgeAsync(p, pebble, file, "--certificatesresolvers.pebble.acme.httpchallenge.entrypoint=web", args))
            first = (await WaitForIssuedAsync(p.Tls, edge, pebble)).SerialNumber;
        await using var again = await StartEdgeAsync(p, pebble, file, "--certificatesresolvers.pebble.acme.httpchallenge.entrypoint=web", args);
        string? renewed = null;
        await Eventually.UntilAsync(async () =>
        {
            renewed = (await ChainAsync(p.Tls, Host)).FirstOrDefault()?.SerialNumber;
            return renewed is not null && renewed != first;
        }, TimeSpan.FromSeconds(60), () => $"not renewed\nedge:\n{again.Output}");
        await Assert.That(again.Output).Contains("Renewing ACME certificate").And.Contains(Host);
        var stored = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "acme.json")))!["pebble"]!["Certificates"]!.AsArray();
        await Assert.That(stored.Count).IsEqualTo(1);   // replaced, not added
    }

    [Test]
    public async Task PreferredChain_picks_the_alternate_chain_whose_top_issuer_has_that_name()
    {
        if (!Pebble.Installed) throw new InvalidOperationException("pebble is not installed (.ci/run installs it)");
        await using var backend = await EchoBackend.StartAsync("app");
        var p = NewPorts();
        await using var pebble = await Pebble.StartAsync(_dir, httpPort: p.Web, tlsPort: p.Tls, alternateRoots: 1);
        var alternate = (await pebble.RootAsync(1)).GetNameInfo(X509NameType.SimpleName, false);
        var primary = (await pebble.RootAsync(0)).GetNameInfo(X509NameType.SimpleName, false);
        await Assert.That(alternate).IsNotEqualTo(primary);
        await using var edge = await StartEdgeAsync(p, pebble, DynamicFile(backend.Port), "--certificatesresolvers.pebble.acme.tlschallenge=true",
            "--certificatesresolvers.pebble.acme.preferredchain=" + alternate);
        await WaitForIssuedAsync(p.Tls, edge, pebble);
        var stored = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "acme.json")))!["pebble"]!["Certificates"]![0]!;
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)stored["certificate"]!)));
        await Assert.That(chain[^1].GetNameInfo(X509NameType.SimpleName, forIssuer: true)).IsEqualTo(alternate);
    }

    [Test]
    public async Task AllowAcmeByPass_lets_a_longer_user_router_answer_challenge_paths_and_the_redirection_skips_them()
    {
        if (!Pebble.Installed) throw new InvalidOperationException("pebble is not installed (.ci/run installs it)");
        await using var backend = await EchoBackend.StartAsync("user-acme");
        var p = NewPorts();
        await using var pebble = await Pebble.StartAsync(_dir, httpPort: p.Web, tlsPort: p.Tls);
        var file = DynamicFile(backend.Port);
        // A user router for part of the challenge path, on the challenge entry point: its rule is longer
        // than the internal router's PathPrefix(`/.well-known/acme-challenge/`), so it outranks it.
        File.WriteAllText(file, $$"""
            http:
              routers:
                app:
                  rule: Host(`{{Host}}`)
                  entryPoints: [websecure]
                  service: app
                  tls:
                    certResolver: pebble
                user-acme:
                  rule: Host(`{{Host}}`) && PathPrefix(`/.well-known/acme-challenge/user`)
                  entryPoints: [web]
                  service: app
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: http://127.0.0.1:{{backend.Port}}
            """);
        await using var edge = await StartEdgeAsync(p, pebble, file, "--certificatesresolvers.pebble.acme.httpchallenge.entrypoint=web",
            "--entrypoints.web.allowacmebypass=true", "--entrypoints.web.http.redirections.entrypoint.to=websecure");
        // Pebble's validation reached the challenge router: not redirected, not taken by the user router.
        await WaitForIssuedAsync(p.Tls, edge, pebble);
        var (userStatus, userBody) = await edge.FetchAsync(Host, "/.well-known/acme-challenge/user-token");
        await Assert.That(userStatus).IsEqualTo(200);
        await Assert.That(userBody).Contains("user-acme");
        var (unknown, _) = await edge.FetchAsync(Host, "/.well-known/acme-challenge/unknown");
        await Assert.That(unknown).IsEqualTo(404);
        var (other, _) = await edge.FetchAsync(Host, "/elsewhere");
        await Assert.That(other).IsEqualTo(308).Or.IsEqualTo(301);
    }

    [Test]
    public async Task A_router_naming_a_missing_resolver_is_in_error()
    {
        if (!Pebble.Installed) throw new InvalidOperationException("pebble is not installed (.ci/run installs it)");
        await using var backend = await EchoBackend.StartAsync("app");
        var p = NewPorts();
        await using var pebble = await Pebble.StartAsync(_dir, httpPort: p.Web, tlsPort: p.Tls);
        await using var edge = await StartEdgeAsync(p, pebble, DynamicFile(backend.Port, resolver: "missing"), "--certificatesresolvers.pebble.acme.tlschallenge=true");
        await edge.WaitForRawDataAsync(raw => raw.Contains("nonexistent certificate resolver"));
        var router = JsonNode.Parse(await edge.GetStringAsync("/api/rawdata"))!["routers"]!["app@file"]!;
        await Assert.That((string?)router["status"]).IsEqualTo("disabled");
        await Assert.That(router["error"]!.AsArray().Select(e => (string?)e)).Contains("Router uses a nonexistent certificate resolver: \"missing\"");
    }

    [Test]
    public async Task A_storage_file_open_to_others_is_refused_and_its_routers_are_in_error()
    {
        if (!Pebble.Installed) throw new InvalidOperationException("pebble is not installed (.ci/run installs it)");
        await using var backend = await EchoBackend.StartAsync("app");
        var p = NewPorts();
        await using var pebble = await Pebble.StartAsync(_dir, httpPort: p.Web, tlsPort: p.Tls);
        var storage = Path.Combine(_dir, "acme.json");
        File.WriteAllText(storage, "{}");
        File.SetUnixFileMode(storage, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var edge = await StartEdgeAsync(p, pebble, DynamicFile(backend.Port), "--certificatesresolvers.pebble.acme.tlschallenge=true");
        await edge.WaitForRawDataAsync(raw => raw.Contains("too open"));
        await Assert.That(edge.Output).Contains($"permissions 644 for {storage} are too open, please use 600");
    }

    private static List<string> CertificateNames(X509Certificate2 c) =>
        c.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(s => s.EnumerateDnsNames()).ToList();
}
