using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests.Support;
using static Edge.Tests.EndToEnd.TcpRoutingEndToEndTests;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// IngressRouteTCP and MiddlewareTCP from the fake API server, served by artifacts/edge with
/// <c>--providers.kubernetescrd</c>: raw TCP servers on loopback are the endpoints of Kubernetes
/// Services. Proves from outside that a connection reaches its server: HostSNI with TLS passthrough
/// (the client sees the server's own certificate), HostSNI with TLS terminated by Edge from a
/// Kubernetes Secret, a plain <c>HostSNI(`*`)</c> route with two weighted services, and a MiddlewareTCP
/// ipAllowList that closes.
/// </summary>
[NotInParallel("edge-e2e")]
public sealed class IngressRouteTcpEndToEndTests
{
    internal static JsonObject Crd(string kind, string ns, string name, string spec) => new()
    {
        ["apiVersion"] = "traefik.io/v1alpha1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = JsonNode.Parse(spec),
    };

    /// <summary>Traefik's TCP router and service name: namespace-name-%.10x of sha256(match), not normalised.</summary>
    internal static string TcpName(string ns, string name, string match) =>
        $"{ns}-{name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(match)))[..20]}";

    /// <summary>A Service named <paramref name="name"/> whose port 8000 ("tcp") has the loopback server as its ready endpoint.</summary>
    internal static void Expose(Tests.FakeApi.FakeApiServer api, string name, int serverPort)
    {
        api.Upsert(K8s.Service("default", name, 8000, "tcp"));
        api.Upsert(K8s.Slice("default", name, serverPort, "tcp", "127.0.0.1"));
    }

    internal static string Js(string rule) => rule.Replace("`", "\\u0060");

    [Test]
    public async Task IngressRouteTcp_routes_reach_their_servers_by_sni_passthrough_termination_and_catch_all()
    {
        using var backendCert = Certificate("backend.example.com");
        await using var passthrough = TcpEchoServer.Start("passthrough", backendCert);
        await using var terminated = TcpEchoServer.Start("terminated");
        await using var plainA = TcpEchoServer.Start("plain-a");
        await using var plainB = TcpEchoServer.Start("plain-b");
        await using var denied = TcpEchoServer.Start("denied");
        int secure = FreePort.Get(), raw = FreePort.Get(), closed = FreePort.Get();
        const string Pass = "HostSNI(`pass.example.com`)", Term = "HostSNI(`term.example.com`)", All = "HostSNI(`*`)";
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            Expose(api, "passthru", passthrough.Port);
            Expose(api, "plaintext", terminated.Port);
            Expose(api, "db-a", plainA.Port);
            Expose(api, "db-b", plainB.Port);
            Expose(api, "lan", denied.Port);
            api.Upsert(TlsEndToEndTests.TlsSecret("default", "term-cert", TlsEndToEndTests.SelfSigned("edge-tcp.example.com", "term.example.com")));
            api.UpsertJson(Crd("IngressRouteTCP", "default", "pass", $$$"""
                {"entryPoints":["websecure"],"routes":[{"match":"{{{Js(Pass)}}}","services":[{"name":"passthru","port":8000}]}],"tls":{"passthrough":true}}
                """));
            api.UpsertJson(Crd("IngressRouteTCP", "default", "term", $$$"""
                {"entryPoints":["websecure"],"routes":[{"match":"{{{Js(Term)}}}","services":[{"name":"plaintext","port":"tcp"}]}],"tls":{"secretName":"term-cert"}}
                """));
            api.UpsertJson(Crd("IngressRouteTCP", "default", "db", $$"""
                {"entryPoints":["raw"],"routes":[{"match":"{{Js(All)}}","services":[{"name":"db-a","port":8000,"weight":1},{"name":"db-b","port":8000,"weight":1}]}]}
                """));
            api.UpsertJson(Crd("MiddlewareTCP", "default", "ten-only", """{"ipAllowList":{"sourceRange":["10.0.0.0/8"]}}"""));
            api.UpsertJson(Crd("IngressRouteTCP", "default", "guarded", $$"""
                {"entryPoints":["closed"],"routes":[{"match":"{{Js(All)}}","middlewares":[{"name":"ten-only"}],"services":[{"name":"lan","port":8000}]}]}
                """));
        }, "--providers.kubernetescrd", $"--entrypoints.websecure.address=127.0.0.1:{secure}",
           $"--entrypoints.raw.address=127.0.0.1:{raw}", $"--entrypoints.closed.address=127.0.0.1:{closed}");

        string pass = TcpName("default", "pass", Pass), term = TcpName("default", "term", Term), db = TcpName("default", "db", All);
        var rawData = await Eventually.UntilAsync(async () => JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!,
            r => r["tcpRouters"]?[pass + "@kubernetescrd"] is not null && r["tcpRouters"]?[db + "@kubernetescrd"] is not null
                && r["tcpRouters"]?[term + "@kubernetescrd"] is not null && r["tcpRouters"]?[TcpName("default", "guarded", All) + "@kubernetescrd"] is not null,
            TimeSpan.FromSeconds(15), r => $"TCP routers never all present: {r["tcpRouters"]?.ToJsonString()}\n{f.Edge.Output}");
        foreach (var name in new[] { pass, term, db })
            await Assert.That((string?)rawData["tcpRouters"]![name + "@kubernetescrd"]!["status"]).IsEqualTo("enabled").Because(name);

        // Passthrough: Edge never terminates, the client is shown the server's own certificate.
        var (p, passSubject) = await ConnectAsync(secure, "pass.example.com");
        await using (p)
        {
            await Assert.That(passSubject).IsEqualTo("CN=backend.example.com");
            await Assert.That(await GreetAndEchoAsync(p, "through")).IsEqualTo("passthrough");
        }
        // Termination: the certificate of the Secret the route names, plaintext to the server.
        var (t, termSubject) = await ConnectAsync(secure, "term.example.com");
        await using (t)
        {
            await Assert.That(termSubject).IsEqualTo("CN=edge-tcp.example.com").Because("tls.secretName is the route's certificate");
            await Assert.That(await GreetAndEchoAsync(t, "clear")).IsEqualTo("terminated");
        }
        // Another SNI on the TLS entry point matches no TCP route: no TCP server sees it.
        int before = passthrough.Connections + terminated.Connections;
        try
        {
            var (other, _) = await ConnectAsync(secure, "other.example.com");
            await other.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
        await Assert.That(passthrough.Connections + terminated.Connections).IsEqualTo(before);

        // HostSNI(`*`) without TLS, two services of weight 1: the connections alternate.
        var greetings = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            var (s, _) = await ConnectAsync(raw, null);
            await using (s) greetings.Add(await GreetAndEchoAsync(s, "n" + i));
        }
        await Assert.That(greetings.Count(g => g == "plain-a")).IsEqualTo(2).Because(string.Join(",", greetings));
        await Assert.That(greetings.Count(g => g == "plain-b")).IsEqualTo(2).Because(string.Join(",", greetings));

        // The MiddlewareTCP: a loopback client is outside 10.0.0.0/8, closed unserved.
        var (g, _) = await ConnectAsync(closed, null);
        await using (g)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Assert.That(await g.ReadAsync(new byte[16], cts.Token)).IsEqualTo(0);
        }
        await Assert.That(denied.Connections).IsEqualTo(0);

        await Assert.That(rawData["tcpServices"]![db + "@kubernetescrd"]!["weighted"]!["services"]!.AsArray().Select(c => (string)c!["name"]!).ToList())
            .IsEquivalentTo([db + "-db-a-8000", db + "-db-b-8000"]);
        await Assert.That((string?)rawData["tcpServices"]![pass + "@kubernetescrd"]!["loadBalancer"]!["servers"]![0]!["address"])
            .IsEqualTo($"127.0.0.1:{passthrough.Port}").Because("the Service's ready endpoint with the EndpointSlice's port");
        await Assert.That((string?)rawData["tcpMiddlewares"]!["default-ten-only@kubernetescrd"]!["status"]).IsEqualTo("enabled");
        var routers = JsonNode.Parse(await f.Edge.GetStringAsync("/api/tcp/routers"))!.AsArray();
        var listed = routers.First(r => (string?)r!["name"] == pass + "@kubernetescrd")!;
        await Assert.That((string?)listed["provider"]).IsEqualTo("kubernetescrd");
        await Assert.That((bool?)listed["tls"]!["passthrough"]).IsTrue();
    }

    [Test]
    public async Task A_ServersTransportTCP_speaks_verified_tls_to_the_server_and_sends_its_proxy_header()
    {
        using var dbCert = Certificate("db.internal");
        await using var tlsDb = TcpEchoServer.Start("tls-db", dbCert);
        await using var pp = TcpEchoServer.Start("pp", proxyProtocol: true);
        int db = FreePort.Get(), bad = FreePort.Get(), ppPort = FreePort.Get(), none = FreePort.Get();
        const string All = "HostSNI(`*`)";
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            Expose(api, "tlsdb", tlsDb.Port);
            Expose(api, "ppsvc", pp.Port);
            api.Upsert(new k8s.Models.V1Secret
            {
                ApiVersion = "v1", Kind = "Secret", Type = "Opaque",
                Metadata = new k8s.Models.V1ObjectMeta { Name = "db-ca", NamespaceProperty = "default" },
                Data = new Dictionary<string, byte[]> { ["ca.crt"] = Encoding.UTF8.GetBytes(dbCert.ExportCertificatePem()) },
            });
            api.UpsertJson(Crd("ServersTransportTCP", "default", "verified", """{"dialTimeout":"5s","tls":{"serverName":"db.internal","rootCAs":[{"secret":"db-ca"}]}}"""));
            api.UpsertJson(Crd("ServersTransportTCP", "default", "wrong-name", """{"tls":{"serverName":"other.internal","rootCAs":[{"secret":"db-ca"}]}}"""));
            api.UpsertJson(Crd("ServersTransportTCP", "default", "pp1", """{"proxyProtocol":{"version":1}}"""));
            void Route(string name, string entryPoint, string service) => api.UpsertJson(Crd("IngressRouteTCP", "default", name, $$"""
                {"entryPoints":["{{entryPoint}}"],"routes":[{"match":"{{Js(All)}}","services":[{{service}}]}]}
                """));
            Route("tlsdb", "db", """{"name":"tlsdb","port":8000,"tls":true,"serversTransport":"verified"}""");
            Route("badname", "bad", """{"name":"tlsdb","port":8000,"tls":true,"serversTransport":"wrong-name"}""");
            Route("pp", "pp", """{"name":"ppsvc","port":8000,"serversTransport":"pp1"}""");
            Route("absent", "none", """{"name":"ppsvc","port":8000,"serversTransport":"absent"}""");
        }, "--providers.kubernetescrd", $"--entrypoints.db.address=127.0.0.1:{db}", $"--entrypoints.bad.address=127.0.0.1:{bad}",
           $"--entrypoints.pp.address=127.0.0.1:{ppPort}", $"--entrypoints.none.address=127.0.0.1:{none}");

        string absent = TcpName("default", "absent", All) + "@kubernetescrd";
        var rawData = await Eventually.UntilAsync(async () => JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!,
            r => new[] { "tlsdb", "badname", "pp", "absent" }.All(n => r["tcpRouters"]?[TcpName("default", n, All) + "@kubernetescrd"] is not null),
            TimeSpan.FromSeconds(15), r => $"TCP routers never all present: {r["tcpRouters"]?.ToJsonString()}\n{f.Edge.Output}");

        // Plain TCP from the client, TLS verified against the Secret's CA with serverName to the server.
        var (s, _) = await ConnectAsync(db, null);
        await using (s) await Assert.That(await GreetAndEchoAsync(s, "over-tls")).IsEqualTo("tls-db");

        // A server name the certificate does not carry: the handshake fails, the client is closed unserved.
        var (b, _) = await ConnectAsync(bad, null);
        await using (b)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Assert.That(await b.ReadAsync(new byte[16], cts.Token)).IsEqualTo(0).Because("no greeting reaches the client");
        }
        await Eventually.UntilAsync(() => f.Edge.Output.Contains("TLS handshake failed"), TimeSpan.FromSeconds(5), () => "no handshake error logged:\n" + f.Edge.Output);

        // The transport's PROXY v1 header, with the client's address and Edge's entry point port.
        var (p, _) = await ConnectAsync(ppPort, null);
        await using (p) await Assert.That(await GreetAndEchoAsync(p, "with-header")).IsEqualTo("pp");
        await Assert.That(pp.ProxyHeaders.Single()).StartsWith("PROXY TCP4 127.0.0.1 127.0.0.1 ");
        await Assert.That(pp.ProxyHeaders.Single()).EndsWith(" " + ppPort);

        var router = rawData["tcpRouters"]![absent]!;
        await Assert.That((string?)router["status"]).IsEqualTo("disabled");
        await Assert.That((string?)router["error"]![0]).IsEqualTo("no transport configuration found for \"default-absent@kubernetescrd\"");
    }
}
