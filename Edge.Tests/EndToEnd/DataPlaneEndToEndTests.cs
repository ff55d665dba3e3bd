using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>Requests through artifacts/edge to echo backends on loopback, routed from Ingresses.</summary>
[NotInParallel("edge-e2e")]
public class DataPlaneEndToEndTests
{
    private static async Task<JsonObject> Json(HttpResponseMessage r) => JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject();

    [Test]
    public async Task Host_and_path_routing_spreads_load_and_sets_forwarded_headers()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/api", "whoami", 80)));
        await f.WaitForRouteAsync("app.example.com", "/api");

        var seen = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            using var r = await f.SendAsync("APP.example.com:1234", "/api/items?x=1");
            await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
            seen.Add((string)(await Json(r))["backend"]!);
        }
        await Assert.That(seen.Count(s => s == "a")).IsEqualTo(5);
        await Assert.That(seen.Count(s => s == "b")).IsEqualTo(5);

        using var spoof = f.Get("app.example.com", "/api/h?q=2");
        spoof.Headers.Add("X-Forwarded-For", "6.6.6.6");
        spoof.Headers.Add("X-Real-Ip", "6.6.6.6");
        spoof.Headers.Add("Connection", "X-Secret");
        spoof.Headers.Add("X-Secret", "hop");
        using var resp = await f.Edge.Http.SendAsync(spoof);
        var echo = await Json(resp);
        var h = echo["headers"]!.AsObject();
        await Assert.That((string)h["X-Forwarded-For"]!).IsEqualTo("127.0.0.1");
        await Assert.That((string)h["X-Real-Ip"]!).IsEqualTo("127.0.0.1");
        await Assert.That((string)h["X-Forwarded-Proto"]!).IsEqualTo("http");
        await Assert.That((string)h["X-Forwarded-Host"]!).IsEqualTo("app.example.com");
        await Assert.That((string)h["X-Forwarded-Port"]!).IsEqualTo("80");
        await Assert.That(h.ContainsKey("X-Forwarded-Server")).IsTrue();
        await Assert.That(h.ContainsKey("X-Secret")).IsFalse();
        await Assert.That((string)echo["host"]!).IsEqualTo("app.example.com");
        await Assert.That((string)echo["target"]!).IsEqualTo("/api/h?q=2");

        using (var miss = await f.SendAsync("other.example.com", "/api"))
            await Assert.That(miss.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        using (var miss = await f.SendAsync("app.example.com", "/other"))
            await Assert.That(miss.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Path_types_wildcards_and_default_backend_follow_traefik()
    {
        // The default backend is its own Service (backend "fallback" on 127.0.0.4), so a request that
        // misses every route is told apart from one a route answered (backends "a"/"b" of whoami).
        await using var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            api.Upsert(K8s.Ingress("default", "exact", "e.example.com", "/exact", "whoami", 80, pathType: "Exact"));
            api.Upsert(K8s.Ingress("default", "prefix", "p.example.com", "/v1", "whoami", 80));
            api.Upsert(K8s.Ingress("default", "impl", "i.example.com", "/impl", "whoami", 80, pathType: "ImplementationSpecific"));
            api.Upsert(K8s.Ingress("default", "wild", "*.wild.example.com", "/", "whoami", 80));
            api.Upsert(K8s.Service("default", "fallback", 80, "http"));
            api.Upsert(K8s.Slice("default", "fallback", port, "http", "127.0.0.4"));
            var def = new V1Ingress
            {
                ApiVersion = "networking.k8s.io/v1", Kind = "Ingress",
                Metadata = new V1ObjectMeta { Name = "default-backend", NamespaceProperty = "default" },
                Spec = new V1IngressSpec
                {
                    DefaultBackend = new V1IngressBackend
                    {
                        Service = new V1IngressServiceBackend { Name = "fallback", Port = new V1ServiceBackendPort { Number = 80 } },
                    },
                },
            };
            api.Upsert(def);
        });
        f.Extra.Add(await EchoBackend.StartAsync("fallback", "127.0.0.4", f.BackendPort));
        await f.WaitForRouteAsync("e.example.com", "/exact");
        async Task<string> Backend(string host, string path)
        {
            using var r = await f.SendAsync(host, path);
            await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK).Because($"{host}{path}");
            var echo = await Json(r);
            await Assert.That((string)echo["target"]!).IsEqualTo(path).Because($"{host}{path}");
            return (string)echo["backend"]!;
        }
        async Task Routed(string host, string path)
        {
            var backend = await Backend(host, path);
            await Assert.That(new[] { "a", "b" }).Contains(backend).Because($"{host}{path} is served by its route, not by {backend}");
        }
        async Task Fallback(string host, string path) =>
            await Assert.That(await Backend(host, path)).IsEqualTo("fallback").Because($"{host}{path} matches no route");

        // Exact: only the path itself.
        await Routed("e.example.com", "/exact");
        await Fallback("e.example.com", "/exact/more");
        await Fallback("e.example.com", "/exactly");
        // Traefik's default Prefix matching is character-wise: /v1 matches /v12, not /v2.
        await Routed("p.example.com", "/v12");
        await Routed("p.example.com", "/v1/x");
        await Fallback("p.example.com", "/v2");
        // A wildcard host matches exactly one leftmost label (Traefik's DomainMatchHostExpression).
        await Routed("a.wild.example.com", "/x");
        await Fallback("wild.example.com", "/x");
        await Fallback("a.b.wild.example.com", "/x");
        // ImplementationSpecific is a prefix in Traefik.
        await Routed("i.example.com", "/impl/deeper");
        await Fallback("i.example.com", "/other");
        // The default backend catches what nothing else matches.
        await Fallback("unknown.example.com", "/anything");
        var raw = await f.Edge.GetStringAsync("/api/rawdata");
        await Assert.That(raw).Contains("default-router@kubernetes");
    }

    [Test]
    public async Task Strict_prefix_matching_is_element_wise()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "prefix", "p.example.com", "/v1", "whoami", 80)),
            "--providers.kubernetesingress.strictprefixmatching=true");
        await f.WaitForRouteAsync("p.example.com", "/v1");
        using (var r = await f.SendAsync("p.example.com", "/v1/x")) await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
        using (var r = await f.SendAsync("p.example.com", "/v12")) await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Backend_errors_map_to_502_503_504()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            api.Upsert(K8s.Service("default", "dead", 80, "http"));
            api.Upsert(K8s.Slice("default", "dead", port, "http", "127.0.0.9"));
            api.Upsert(K8s.Service("default", "empty", 80, "http"));
            api.Upsert(K8s.Ingress("default", "dead", "dead.example.com", "/", "dead", 80));
            api.Upsert(K8s.Ingress("default", "empty", "empty.example.com", "/", "empty", 80));
            api.Upsert(K8s.Ingress("default", "slow", "slow.example.com", "/", "whoami", 80));
        }, "--providers.kubernetesingress.allowemptyservices=true", "--serverstransport.forwardingtimeouts.responseheadertimeout=300ms");
        await f.WaitForRouteAsync("slow.example.com", "/");
        using (var r = await f.SendAsync("dead.example.com", "/")) await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.BadGateway);
        using (var r = await f.SendAsync("empty.example.com", "/")) await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        using (var r = await f.SendAsync("slow.example.com", "/slow?ms=2000")) await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.GatewayTimeout);
    }

    [Test]
    public async Task Websocket_upgrade_is_tunnelled()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "ws", "ws.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("ws.example.com", "/");
        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Host", "ws.example.com");
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{f.Edge.WebPort}/ws"), CancellationToken.None);
        await ws.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var res = await ws.ReceiveAsync(buffer, CancellationToken.None);
        var text = Encoding.UTF8.GetString(buffer, 0, res.Count);
        await Assert.That(text == "a:hello" || text == "b:hello").IsTrue();
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
    }

    [Test]
    public async Task Sticky_cookie_pins_a_client_to_one_server()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            api.Upsert(K8s.Service("default", "sticky", 80, "http", new Dictionary<string, string>
            {
                ["traefik.ingress.kubernetes.io/service.sticky.cookie"] = "true",
                ["traefik.ingress.kubernetes.io/service.sticky.cookie.name"] = "edge_sticky",
                ["traefik.ingress.kubernetes.io/service.sticky.cookie.httponly"] = "true",
            }));
            api.Upsert(K8s.Slice("default", "sticky", port, "http", "127.0.0.2", "127.0.0.3"));
            api.Upsert(K8s.Ingress("default", "sticky", "sticky.example.com", "/", "sticky", 80));
        });
        await f.WaitForRouteAsync("sticky.example.com", "/");
        using var first = await f.SendAsync("sticky.example.com", "/");
        var setCookie = first.Headers.GetValues("Set-Cookie").Single();
        await Assert.That(setCookie).StartsWith("edge_sticky=");
        await Assert.That(setCookie.ToLowerInvariant()).Contains("httponly");
        var backend = (string)(await Json(first))["backend"]!;
        var cookie = setCookie.Split(';')[0];
        for (int i = 0; i < 6; i++)
        {
            using var req = f.Get("sticky.example.com", "/");
            req.Headers.Add("Cookie", cookie);
            using var r = await f.Edge.Http.SendAsync(req);
            await Assert.That((string)(await Json(r))["backend"]!).IsEqualTo(backend);
        }
    }

    [Test]
    public async Task Large_upload_and_download_stream_through()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "big", "big.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("big.example.com", "/");
        const long size = 1024L * 1024 * 1024;   // 1 GiB each way
        // Throughput-bound on a shared 2-core CI machine: the default 10 s client timeout is not this test's claim.
        using var slow = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        using (var r = await slow.SendAsync(f.Get("big.example.com", $"/bytes?n={size}")))
        {
            var bytes = await r.Content.ReadAsByteArrayAsync();
            await Assert.That((long)bytes.Length).IsEqualTo(size);
        }
        using var up = new HttpRequestMessage(HttpMethod.Post, f.Edge.WebUrl + "/upload") { Headers = { Host = "big.example.com" } };
        up.Content = new StreamContent(new ZeroStream(size));
        using var ur = await slow.SendAsync(up);
        await Assert.That(await ur.Content.ReadAsStringAsync()).IsEqualTo(size.ToString());
        // Streaming, not buffering: the proxy's peak resident memory stays far below the body size.
        var hwm = File.ReadAllLines($"/proc/{f.Edge.Pid}/status").First(l => l.StartsWith("VmHWM:"));
        var kb = long.Parse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        await Assert.That(kb).IsLessThan(256 * 1024);
    }

    [Test]
    public async Task Trusted_forwarded_headers_are_kept_untrusted_replaced()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80)),
            "--entrypoints.web.forwardedheaders.trustedips=127.0.0.0/8");
        await f.WaitForRouteAsync("app.example.com", "/");
        using var req = f.Get("app.example.com", "/");
        req.Headers.Add("X-Forwarded-For", "198.51.100.7");
        req.Headers.Add("X-Forwarded-Proto", "https");
        using var r = await f.Edge.Http.SendAsync(req);
        var h = (await Json(r))["headers"]!.AsObject();
        await Assert.That((string)h["X-Forwarded-For"]!).IsEqualTo("198.51.100.7, 127.0.0.1");
        await Assert.That((string)h["X-Forwarded-Proto"]!).IsEqualTo("https");
    }

    [Test]
    public async Task H2c_backend_through_service_serversscheme()
    {
        var port = FreePort.Get();
        await using var h2 = await EchoBackend.StartAsync("h2", "127.0.0.4", port, h2c: true);
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
        {
            api.Upsert(K8s.Service("default", "grpc", 80, "http", new Dictionary<string, string>
            {
                ["traefik.ingress.kubernetes.io/service.serversscheme"] = "h2c",
            }));
            api.Upsert(K8s.Slice("default", "grpc", port, "http", "127.0.0.4"));
            api.Upsert(K8s.Ingress("default", "grpc", "grpc.example.com", "/", "grpc", 80));
        });
        await f.WaitForRouteAsync("grpc.example.com", "/");
        using var r = await f.SendAsync("grpc.example.com", "/x");
        var echo = await Json(r);
        await Assert.That((string)echo["backend"]!).IsEqualTo("h2");
        await Assert.That((string)echo["protocol"]!).IsEqualTo("HTTP/2");
    }

    [Test]
    public async Task Native_lb_forwards_to_the_cluster_ip_and_passhostheader_false_rewrites_host()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, port) =>
        {
            // The ClusterIP is a loopback address here, so "native LB" traffic stays on this machine.
            var svc = K8s.Service("default", "native", port, "http", new Dictionary<string, string>
            {
                ["traefik.ingress.kubernetes.io/service.nativelb"] = "true",
                ["traefik.ingress.kubernetes.io/service.passhostheader"] = "false",
            });
            svc.Spec.ClusterIP = "127.0.0.3";
            api.Upsert(svc);
            api.Upsert(K8s.Ingress("default", "native", "native.example.com", "/", "native", port));
        });
        await f.WaitForRouteAsync("native.example.com", "/");
        for (int i = 0; i < 4; i++)
        {
            using var r = await f.SendAsync("native.example.com", "/");
            var echo = await Json(r);
            await Assert.That((string)echo["backend"]!).IsEqualTo("b");
            await Assert.That((string)echo["host"]!).IsEqualTo($"127.0.0.3:{f.BackendPort}");
        }
    }

    [Test]
    public async Task Event_streams_are_flushed_as_they_come()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "sse", "sse.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("sse.example.com", "/");
        using var req = f.Get("sse.example.com", "/sse");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var r = await f.Edge.Http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await r.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var n = await body.ReadAsync(buffer);
        // The backend waits 2 s before its second event: the first must arrive well before that.
        await Assert.That(sw.Elapsed).IsLessThan(TimeSpan.FromSeconds(1.5));
        await Assert.That(Encoding.UTF8.GetString(buffer, 0, n)).StartsWith("data: first");
    }

    [Test]
    public async Task Redirection_entry_point_redirects_to_https()
    {
        var secure = FreePort.Get();
        await using var f = await DataPlaneFixture.StartAsync(null,
            $"--entrypoints.websecure.address=127.0.0.1:{secure}",
            "--entrypoints.web.http.redirections.entrypoint.to=websecure",
            "--entrypoints.web.http.redirections.entrypoint.scheme=https");
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler);
        using var req = new HttpRequestMessage(HttpMethod.Get, f.Edge.WebUrl + "/path?q=1") { Headers = { Host = "app.example.com" } };
        using var r = await client.SendAsync(req);
        await Assert.That((int)r.StatusCode).IsEqualTo(301);
        await Assert.That(r.Headers.Location!.ToString()).IsEqualTo($"https://app.example.com:{secure}/path?q=1");
    }

    [Test]
    public async Task Sigterm_lets_in_flight_requests_finish_and_exits_zero()
    {
        await using var f = await DataPlaneFixture.StartAsync((api, _) =>
            api.Upsert(K8s.Ingress("default", "slow", "slow.example.com", "/", "whoami", 80)));
        await f.WaitForRouteAsync("slow.example.com", "/");
        var before = f.BackendRequests;
        var inflight = Enumerable.Range(0, 4).Select(_ => f.SendAsync("slow.example.com", "/slow?ms=1500")).ToList();
        // SIGTERM only once all four are in flight at the backends (each takes 1.5 s to answer).
        await Eventually.UntilAsync(() => f.BackendRequests - before == 4, TimeSpan.FromSeconds(5), "four slow requests at the backends");
        var exit = f.Edge.StopAsync();
        foreach (var t in inflight)
        {
            using var r = await t;
            await Assert.That(r.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }
        await Assert.That(await exit).IsEqualTo(0);
        await Assert.That(async () => await new HttpClient().GetAsync(f.Edge.WebUrl + "/")).Throws<HttpRequestException>();
    }

    private sealed class ZeroStream(long total) : Stream
    {
        private readonly long _total = total;
        private long _left = total;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _total;
        public override long Position { get => _total - _left; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            Array.Clear(buffer, offset, n);
            _left -= n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
