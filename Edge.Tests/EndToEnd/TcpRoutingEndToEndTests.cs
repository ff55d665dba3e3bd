using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Traefik's TCP routing through artifacts/edge, from the file provider's <c>tcp</c> section: TLS
/// passthrough (the client sees the server's own certificate), TLS terminated by Edge in front of a
/// plain TCP server, a plain <c>HostSNI(`*`)</c> route for a server-first protocol with a weighted
/// service and a PROXY header, an ipAllowList that closes, and HTTP routers still served on the
/// entry point that carries the TCP routes.
/// </summary>
[NotInParallel("edge-e2e")]
public sealed class TcpRoutingEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-tcp-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static X509Certificate2 Certificate(string cn)
    {
        var (cert, key) = TlsEndToEndTests.SelfSigned(cn, cn);
        using var pem = X509Certificate2.CreateFromPem(cert, key);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Connects, optionally through TLS with <paramref name="sni"/>; returns the stream and the certificate the client was shown.</summary>
    internal static async Task<(Stream Stream, string Subject)> ConnectAsync(int port, string? sni)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (sni is null) return (stream, "");
        string subject = "";
        var ssl = new SslStream(stream, false, (_, cert, _, _) => { subject = cert?.Subject ?? ""; return true; });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = sni });
        return (ssl, subject);
    }

    internal static async Task<string> ReadLineAsync(Stream s)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await s.ReadAsync(one, cts.Token) == 1 && one[0] != '\n') line.Append((char)one[0]);
        return line.ToString();
    }

    /// <summary>The server's greeting, then an echo of one line: proof that bytes went both ways.</summary>
    internal static async Task<string> GreetAndEchoAsync(Stream s, string text)
    {
        var greeting = await ReadLineAsync(s);
        await s.WriteAsync(Encoding.ASCII.GetBytes(text + "\n"));
        var echoed = await ReadLineAsync(s);
        return echoed == text ? greeting : $"{greeting} (echo was \"{echoed}\")";
    }

    [Test]
    public async Task Tcp_routes_passthrough_terminate_and_catch_plain_tcp_beside_http_routers()
    {
        using var backendCert = Certificate("backend.example.com");
        await using var passthrough = TcpEchoServer.Start("passthrough", backendCert);
        await using var plainA = TcpEchoServer.Start("plain-a");
        await using var plainB = TcpEchoServer.Start("plain-b", proxyProtocol: true);
        await using var terminated = TcpEchoServer.Start("terminated");
        await using var denied = TcpEchoServer.Start("denied");
        await using var http = await EchoBackend.StartAsync("http");
        var (cert, key) = TlsEndToEndTests.SelfSigned("edge.example.com", "term.example.com", "secure.example.com");
        System.IO.File.WriteAllText(Path.Combine(_dir, "edge.crt"), cert);
        System.IO.File.WriteAllText(Path.Combine(_dir, "edge.key"), key);
        int secure = FreePort.Get(), raw = FreePort.Get(), closed = FreePort.Get();
        var file = Path.Combine(_dir, "dynamic.yml");
        System.IO.File.WriteAllText(file, $$"""
            http:
              routers:
                web:
                  rule: Host(`secure.example.com`)
                  entryPoints: [websecure]
                  service: http
                  tls: {}
              services:
                http:
                  loadBalancer:
                    servers: [{url: "http://127.0.0.1:{{http.Port}}"}]
            tcp:
              routers:
                pass:
                  rule: HostSNI(`pass.example.com`)
                  entryPoints: [websecure]
                  service: passthrough
                  tls: {passthrough: true}
                term:
                  rule: HostSNI(`term.example.com`)
                  entryPoints: [websecure]
                  service: terminated
                  tls: {}
                plain:
                  rule: HostSNI(`*`)
                  entryPoints: [raw]
                  service: split
                guarded:
                  rule: HostSNI(`*`)
                  entryPoints: [closed]
                  middlewares: [lan-only]
                  service: denied
                broken:
                  rule: HostSNI(`*`)
                  entryPoints: [raw]
                  service: missing
              middlewares:
                lan-only:
                  ipAllowList: {sourceRange: [10.0.0.0/8]}
              services:
                passthrough:
                  loadBalancer: {servers: [{address: "127.0.0.1:{{passthrough.Port}}"}]}
                terminated:
                  loadBalancer: {servers: [{address: "127.0.0.1:{{terminated.Port}}"}]}
                denied:
                  loadBalancer: {servers: [{address: "127.0.0.1:{{denied.Port}}"}]}
                a:
                  loadBalancer: {servers: [{address: "127.0.0.1:{{plainA.Port}}"}]}
                b:
                  loadBalancer:
                    servers: [{address: "127.0.0.1:{{plainB.Port}}"}]
                    proxyProtocol: {version: 1}
                split:
                  weighted:
                    services: [{name: a, weight: 1}, {name: b, weight: 1}]
            tls:
              certificates:
                - certFile: {{Path.Combine(_dir, "edge.crt")}}
                  keyFile: {{Path.Combine(_dir, "edge.key")}}
            """);
        await using var edge = await EdgeProcess.StartAsync([$"--providers.file.filename={file}", "--providers.providersThrottleDuration=0s",
            $"--entrypoints.websecure.address=127.0.0.1:{secure}", $"--entrypoints.raw.address=127.0.0.1:{raw}", $"--entrypoints.closed.address=127.0.0.1:{closed}"]);

        // Passthrough: Edge never terminates, the client is shown the server's own certificate.
        var (pass, passSubject) = await ConnectAsync(secure, "pass.example.com");
        await using (pass)
        {
            await Assert.That(passSubject).IsEqualTo("CN=backend.example.com");
            await Assert.That(await GreetAndEchoAsync(pass, "through")).IsEqualTo("passthrough");
        }

        // Termination: Edge's certificate, plaintext to the server.
        var (term, termSubject) = await ConnectAsync(secure, "term.example.com");
        await using (term)
        {
            await Assert.That(termSubject).IsEqualTo("CN=edge.example.com");
            await Assert.That(await GreetAndEchoAsync(term, "clear")).IsEqualTo("terminated");
        }

        // The HTTPS router on the same entry point is still served.
        var (response, subject) = await TlsEndToEndTests.GetAsync(secure, "secure.example.com");
        using (response)
        {
            await Assert.That((int)response.StatusCode).IsEqualTo(200);
            await Assert.That(subject).IsEqualTo("CN=edge.example.com");
        }
        // Plain HTTP on the TLS entry point still reaches Kestrel (no plain TCP route there): 404, not a closed socket.
        using (var plainHttp = await edge.Http.GetAsync($"http://127.0.0.1:{secure}/"))
            await Assert.That((int)plainHttp.StatusCode).IsEqualTo(404);

        // HostSNI(`*`) without TLS: the server speaks first (the client sends nothing before the greeting);
        // the weighted service alternates, and b's connections start with a PROXY v1 header.
        var greetings = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            var (s, _) = await ConnectAsync(raw, null);
            await using (s) greetings.Add(await GreetAndEchoAsync(s, "n" + i));
        }
        await Assert.That(greetings.Count(g => g == "plain-a")).IsEqualTo(2).Because(string.Join(",", greetings));
        await Assert.That(greetings.Count(g => g == "plain-b")).IsEqualTo(2).Because(string.Join(",", greetings));
        await Assert.That(plainB.ProxyHeaders.Count).IsEqualTo(2);
        await Assert.That(plainB.ProxyHeaders[0]).StartsWith("PROXY TCP4 127.0.0.1 127.0.0.1 ");
        await Assert.That(plainB.ProxyHeaders[0]).EndsWith(" " + raw);

        // ipAllowList: a loopback client is outside 10.0.0.0/8, the connection is closed unserved.
        var (guarded, _) = await ConnectAsync(closed, null);
        await using (guarded)
        {
            var buffer = new byte[16];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Assert.That(await guarded.ReadAsync(buffer, cts.Token)).IsEqualTo(0);
        }
        await Assert.That(denied.Connections).IsEqualTo(0);

        var rawData = JsonNode.Parse(await edge.GetStringAsync("/api/rawdata"))!;
        await Assert.That((string?)rawData["tcpRouters"]!["pass@file"]!["status"]).IsEqualTo("enabled");
        await Assert.That((bool?)rawData["tcpRouters"]!["pass@file"]!["tls"]!["passthrough"]).IsTrue();
        await Assert.That((string?)rawData["tcpRouters"]!["broken@file"]!["status"]).IsEqualTo("disabled");
        await Assert.That((string?)rawData["tcpRouters"]!["broken@file"]!["error"]![0]).IsEqualTo("the service \"missing@file\" does not exist");
        await Assert.That((string?)rawData["tcpServices"]!["split@file"]!["status"]).IsEqualTo("enabled");
        await Assert.That(rawData["tcpServices"]!["a@file"]!["usedBy"]).IsNull().Because("only the weighted service names it");
        await Assert.That((string?)rawData["tcpServices"]!["split@file"]!["usedBy"]![0]).IsEqualTo("plain@file");
        var routers = JsonNode.Parse(await edge.GetStringAsync("/api/tcp/routers"))!.AsArray();
        await Assert.That(routers.Select(r => (string?)r!["name"]).ToList()).Contains("term@file");
        await Assert.That((string?)routers.First(r => (string?)r!["name"] == "term@file")!["provider"]).IsEqualTo("file");
        var services = JsonNode.Parse(await edge.GetStringAsync("/api/tcp/services"))!.AsArray();
        await Assert.That((string?)services.First(s => (string?)s!["name"] == "split@file")!["type"]).IsEqualTo("weighted");
    }
}
