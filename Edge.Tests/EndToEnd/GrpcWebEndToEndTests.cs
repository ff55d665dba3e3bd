using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// The grpcWeb middleware through artifacts/edge with the file provider: an HTTP/1.1 gRPC-Web
/// client (binary and -text) reaches a loopback h2c gRPC service (Kestrel, HTTP/2 only, answering
/// with grpc-status/grpc-message trailers) and gets its answer with the trailers in the body;
/// a CORS preflight is answered by Edge.
/// </summary>
[NotInParallel("edge-e2e")]
public sealed class GrpcWebEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-grpcweb-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Frame(byte flag, byte[] payload)
    {
        var f = new byte[5 + payload.Length];
        f[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(f, 5);
        return f;
    }

    /// <summary>A gRPC service on h2c: echoes the message's payload upper-cased; status from the payload ("fail" → 3).</summary>
    private sealed class GrpcService : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public int Port { get; }
        public int Calls;
        public string? Protocol, ContentType, Path;
        public byte[]? Received;

        private GrpcService(WebApplication app, int port) { _app = app; Port = port; }

        /// <param name="tls">HTTPS with ALPN h2 only (a self-signed certificate) instead of h2c.</param>
        public static async Task<GrpcService> StartAsync(bool tls = false)
        {
            var port = FreePort.Get();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, lo =>
            {
                lo.Protocols = HttpProtocols.Http2;
                if (tls) lo.UseHttps(SelfSigned());
            }));
            var app = builder.Build();
            var service = new GrpcService(app, port);
            app.Run(async ctx =>
            {
                Interlocked.Increment(ref service.Calls);
                service.Protocol = ctx.Request.Protocol;
                service.ContentType = ctx.Request.ContentType;
                service.Path = ctx.Request.Path.Value;
                var body = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(body);
                service.Received = body.ToArray();
                var payload = Encoding.ASCII.GetString(service.Received.AsSpan(5));
                ctx.Response.ContentType = "application/grpc+proto";
                ctx.Response.DeclareTrailer("grpc-status");
                await ctx.Response.Body.WriteAsync(Frame(0, Encoding.ASCII.GetBytes(payload.ToUpperInvariant())));
                ctx.Response.AppendTrailer("grpc-status", payload == "fail" ? "3" : "0");
                if (payload == "fail") ctx.Response.AppendTrailer("grpc-message", "bad argument");
            });
            await app.StartAsync();
            return service;
        }

        private static X509Certificate2 SelfSigned()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest("CN=grpc", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            req.CertificateExtensions.Add(san.Build());
            using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task<EdgeProcess> StartAsync(int servicePort, string scheme = "h2c", params string[] extra)
    {
        var file = Path.Combine(_dir, "dynamic.yml");
        await File.WriteAllTextAsync(file, $$$"""
            http:
              routers:
                grpc: {rule: "PathPrefix(`/echo.Echo`)", service: grpc, middlewares: [web]}
              services:
                grpc: {loadBalancer: {servers: [{url: "{{{scheme}}}://127.0.0.1:{{{servicePort}}}"}]}}
              middlewares:
                web: {grpcWeb: {allowOrigins: ["https://app.example"]}}
            """);
        var edge = await EdgeProcess.StartAsync([$"--providers.file.filename={file}", "--providers.providersThrottleDuration=0s", .. extra]);
        await Eventually.UntilAsync(async () => (await edge.GetStringAsync("/api/rawdata")).Contains("\"routers\":{\""),
            TimeSpan.FromSeconds(10), () => "no routers; edge output:\n" + edge.Output);
        return edge;
    }

    private static HttpRequestMessage Call(EdgeProcess edge, string contentType, byte[] body)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, edge.WebUrl + "/echo.Echo/Say") { Content = new ByteArrayContent(body) };
        req.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        req.Headers.TryAddWithoutValidation("X-Grpc-Web", "1");
        req.Headers.TryAddWithoutValidation("Origin", "https://app.example");
        return req;
    }

    [Test]
    public async Task A_binary_gRPC_Web_call_reaches_the_h2c_service_and_gets_the_trailers_as_the_last_frame()
    {
        await using var service = await GrpcService.StartAsync();
        await using var edge = await StartAsync(service.Port);
        var message = Frame(0, "hello"u8.ToArray());
        using var response = await edge.Http.SendAsync(Call(edge, "application/grpc-web+proto", message));
        var body = await response.Content.ReadAsByteArrayAsync();

        await Assert.That((int)response.StatusCode).IsEqualTo(200).Because(edge.Output);
        await Assert.That(service.Protocol).IsEqualTo("HTTP/2").Because("gRPC needs HTTP/2 to the service");
        await Assert.That(service.ContentType).IsEqualTo("application/grpc+proto");
        await Assert.That(service.Path).IsEqualTo("/echo.Echo/Say");
        await Assert.That(Convert.ToHexString(service.Received!)).IsEqualTo(Convert.ToHexString(message));
        await Assert.That(response.Content.Headers.ContentType?.ToString()).IsEqualTo("application/grpc-web+proto");
        await Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single()).IsEqualTo("https://app.example");
        var expected = Frame(0, "HELLO"u8.ToArray()).Concat(Frame(0x80, "grpc-status: 0\r\n"u8.ToArray())).ToArray();
        await Assert.That(Convert.ToHexString(body)).IsEqualTo(Convert.ToHexString(expected));

        var middlewares = JsonNode.Parse(await edge.GetStringAsync("/api/http/middlewares"))!.AsArray();
        var web = middlewares.Single(m => (string?)m!["name"] == "web@file")!;
        await Assert.That((string?)web["type"]).IsEqualTo("grpcweb");
        await Assert.That((string?)web["status"]).IsEqualTo("enabled");
    }

    [Test]
    public async Task A_text_call_is_decoded_for_the_service_and_answered_in_base64_with_the_error_status_in_the_trailer_frame()
    {
        await using var service = await GrpcService.StartAsync();
        await using var edge = await StartAsync(service.Port);
        var message = Frame(0, "fail"u8.ToArray());
        using var response = await edge.Http.SendAsync(Call(edge, "application/grpc-web-text", Encoding.ASCII.GetBytes(Convert.ToBase64String(message))));
        var text = await response.Content.ReadAsStringAsync();

        await Assert.That((int)response.StatusCode).IsEqualTo(200).Because(edge.Output);
        await Assert.That(Convert.ToHexString(service.Received!)).IsEqualTo(Convert.ToHexString(message));
        await Assert.That(service.ContentType).IsEqualTo("application/grpc");
        await Assert.That(response.Content.Headers.ContentType?.ToString()).IsEqualTo("application/grpc-web-text+proto");
        var expected = Convert.ToBase64String(Frame(0, "FAIL"u8.ToArray()))
            + Convert.ToBase64String(Frame(0x80, "grpc-message: bad argument\r\ngrpc-status: 3\r\n"u8.ToArray()));
        await Assert.That(text).IsEqualTo(expected);
    }

    [Test]
    public async Task An_https_service_is_asked_for_h2_by_ALPN_and_answers_the_call()
    {
        await using var service = await GrpcService.StartAsync(tls: true);
        await using var edge = await StartAsync(service.Port, "https", "--serversTransport.insecureSkipVerify=true");
        var message = Frame(0, "tls"u8.ToArray());
        using var response = await edge.Http.SendAsync(Call(edge, "application/grpc-web", message));
        var body = await response.Content.ReadAsByteArrayAsync();
        await Assert.That((int)response.StatusCode).IsEqualTo(200).Because(edge.Output);
        await Assert.That(service.Protocol).IsEqualTo("HTTP/2");
        var expected = Frame(0, "TLS"u8.ToArray()).Concat(Frame(0x80, "grpc-status: 0\r\n"u8.ToArray())).ToArray();
        await Assert.That(Convert.ToHexString(body)).IsEqualTo(Convert.ToHexString(expected));
    }

    [Test]
    public async Task A_browser_preflight_is_answered_by_Edge_for_the_allowed_origin_only()
    {
        await using var service = await GrpcService.StartAsync();
        await using var edge = await StartAsync(service.Port);
        async Task<HttpResponseMessage> Preflight(string origin)
        {
            var req = new HttpRequestMessage(HttpMethod.Options, edge.WebUrl + "/echo.Echo/Say");
            req.Headers.TryAddWithoutValidation("Origin", origin);
            req.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
            req.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent");
            return await edge.Http.SendAsync(req);
        }
        using var allowed = await Preflight("https://app.example");
        await Assert.That((int)allowed.StatusCode).IsEqualTo(200);
        await Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Origin").Single()).IsEqualTo("https://app.example");
        await Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Headers").Single()).IsEqualTo("Content-Type, X-Grpc-Web, X-User-Agent");
        await Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Methods").Single()).IsEqualTo("POST");
        using var other = await Preflight("https://evil.example");
        await Assert.That((int)other.StatusCode).IsEqualTo(200);
        await Assert.That(other.Headers.Contains("Access-Control-Allow-Origin")).IsFalse();
        await Assert.That(service.Calls).IsEqualTo(0).Because("preflights never reach the service");
    }
}
