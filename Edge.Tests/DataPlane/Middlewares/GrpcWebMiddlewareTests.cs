using System.Buffers.Binary;
using System.Text;
using Edge.DataPlane.Middlewares;
using Edge.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's grpcWeb middleware (traefik/grpc-web's WrapHandler, rs/cors v1.7.0) against the
/// gRPC-Web protocol (grpc/doc/PROTOCOL-WEB.md): the service sees gRPC (Content-Type
/// application/grpc…, no Content-Length, a decoded -text body); the client gets gRPC-Web
/// (Content-Type application/grpc-web…, the trailers as a 0x80 frame at the end of the body,
/// base64 for -text); CORS preflights for x-grpc-web are answered for allowOrigins only.
/// </summary>
public class GrpcWebMiddlewareTests
{
    /// <summary>A gRPC length-prefixed message: flag, 4-byte big-endian length, payload.</summary>
    internal static byte[] Frame(byte flag, byte[] payload)
    {
        var f = new byte[5 + payload.Length];
        f[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(f, 5);
        return f;
    }

    private static readonly byte[] Request = Frame(0, "ping"u8.ToArray());
    private static readonly byte[] Reply = Frame(0, "pong"u8.ToArray());

    private sealed class Seen { public string? ContentType; public long? ContentLength; public byte[]? Body; }

    /// <summary>A gRPC service: records the request, answers one message and the trailers given (null: a trailers-only answer with grpc-status 5).</summary>
    private static Func<ProxyRequest, Task> Service(Seen seen, (string Name, string Value)[]? trailers, string contentType = "application/grpc+proto") => async r =>
    {
        var ctx = r.Context;
        seen.ContentType = ctx.Request.ContentType;
        seen.ContentLength = ctx.Request.ContentLength;
        var copy = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(copy);
        seen.Body = copy.ToArray();
        ctx.Response.ContentType = contentType;
        if (trailers is null) { ctx.Response.Headers["grpc-status"] = "5"; ctx.Response.Headers["grpc-message"] = "not found"; return; }
        ctx.Response.Headers["Trailer"] = "grpc-status";
        await ctx.Response.Body.WriteAsync(Reply);
        var feature = ctx.Features.Get<IHttpResponseTrailersFeature>()!;
        foreach (var (name, value) in trailers) feature.Trailers.Append(name, value);
    };

    private static Action<HttpRequest> GrpcWebPost(string contentType, byte[] body, string? origin = null) => req =>
    {
        req.Method = "POST";
        req.ContentType = contentType;
        req.ContentLength = body.Length;
        req.Body = new MemoryStream(body);
        if (origin is not null) req.Headers.Origin = origin;
    };

    private static Middleware GrpcWeb(params string[] origins) => new() { GrpcWeb = new GrpcWebConfig { AllowOrigins = origins.ToList() } };

    private static byte[] BodyBytes(MiddlewareHarness h) => ((MemoryStream)h.Context.Response.Body).ToArray();

    private static string Hex(byte[]? b) => b is null ? "(none)" : Convert.ToHexString(b);

    private static byte[] TrailerFrame(string lines) => Frame(0x80, Encoding.ASCII.GetBytes(lines));

    [Test]
    public async Task A_binary_request_reaches_the_service_as_gRPC_and_its_trailers_come_back_as_a_0x80_frame()
    {
        var seen = new Seen();
        var chain = new MiddlewareHarness.Chain(GrpcWeb(), Service(seen, [("grpc-status", "0"), ("grpc-message", "OK")]));
        var h = await chain.RunAsync("/echo.Echo/Ping", request: GrpcWebPost("application/grpc-web+proto", Request));

        await Assert.That(seen.ContentType).IsEqualTo("application/grpc+proto");
        await Assert.That(seen.ContentLength).IsNull().Because("the HTTP/1.1 length is removed: the body is streamed");
        await Assert.That(Hex(seen.Body)).IsEqualTo(Hex(Request));
        await Assert.That(h.ResponseHeader("Content-Type")).IsEqualTo("application/grpc-web+proto");
        await Assert.That(h.ResponseHeader("Trailer")).IsEqualTo("").Because("the Trailer declaration is dropped");
        // Go's Header.Write: sorted, lower case, "name: value\r\n".
        await Assert.That(Hex(BodyBytes(h))).IsEqualTo(Hex(Reply) + Hex(TrailerFrame("grpc-message: OK\r\ngrpc-status: 0\r\n")));
        var exposed = h.ResponseHeader("Access-Control-Expose-Headers").Split(", ");
        await Assert.That(exposed).Contains("Content-Type");
        await Assert.That(string.Join(",", exposed.TakeLast(2))).IsEqualTo("grpc-status,grpc-message");
    }

    [Test]
    public async Task A_text_request_is_base64_decoded_and_the_answer_is_base64_one_segment_per_write()
    {
        var seen = new Seen();
        var chain = new MiddlewareHarness.Chain(GrpcWeb(), Service(seen, [("grpc-status", "0")]));
        var h = await chain.RunAsync("/echo.Echo/Ping",
            request: GrpcWebPost("application/grpc-web-text", Encoding.ASCII.GetBytes(Convert.ToBase64String(Request))));

        await Assert.That(seen.ContentType).IsEqualTo("application/grpc")
            .Because("application/grpc-web-text becomes application/grpc");
        await Assert.That(Hex(seen.Body)).IsEqualTo(Hex(Request));
        await Assert.That(h.ResponseHeader("Content-Type")).IsEqualTo("application/grpc-web-text+proto");
        var expected = Convert.ToBase64String(Reply) + Convert.ToBase64String(TrailerFrame("grpc-status: 0\r\n"));
        await Assert.That(Encoding.ASCII.GetString(BodyBytes(h))).IsEqualTo(expected);
    }

    public static IEnumerable<(string Sent, string Why)> TextBodies()
    {
        var whole = Convert.ToBase64String(Request);
        yield return (whole, "one base64 string");
        yield return (whole[..8] + "\r\n" + whole[8..], "line breaks are ignored, as by Go's decoder");
        yield return (Convert.ToBase64String(Request[..4]) + Convert.ToBase64String(Request[4..]), "padded segments one after the other");
    }

    [Test]
    [MethodDataSource(nameof(TextBodies))]
    public async Task A_text_body_is_decoded_whatever_its_segmentation(string sent, string why)
    {
        var seen = new Seen();
        var chain = new MiddlewareHarness.Chain(GrpcWeb(), Service(seen, [("grpc-status", "0")]));
        await chain.RunAsync("/s/M", request: GrpcWebPost("application/grpc-web-text+proto", Encoding.ASCII.GetBytes(sent)));
        await Assert.That(Hex(seen.Body)).IsEqualTo(Hex(Request)).Because(why);
        await Assert.That(seen.ContentType).IsEqualTo("application/grpc+proto");
    }

    [Test]
    public async Task A_text_body_that_is_not_base64_fails_the_read()
    {
        var seen = new Seen();
        var chain = new MiddlewareHarness.Chain(GrpcWeb(), Service(seen, [("grpc-status", "0")]));
        await Assert.That(async () => await chain.RunAsync("/s/M", request: GrpcWebPost("application/grpc-web-text", "AA*A"u8.ToArray())))
            .Throws<IOException>();
    }

    [Test]
    public async Task A_trailers_only_answer_keeps_grpc_status_as_headers_and_ends_with_an_empty_trailer_frame()
    {
        var seen = new Seen();
        var chain = new MiddlewareHarness.Chain(GrpcWeb(), Service(seen, trailers: null));
        var h = await chain.RunAsync("/s/M", request: GrpcWebPost("application/grpc-web", Request));
        await Assert.That(h.ResponseHeader("grpc-status")).IsEqualTo("5");
        await Assert.That(h.ResponseHeader("Content-Type")).IsEqualTo("application/grpc-web+proto");
        await Assert.That(Hex(BodyBytes(h))).IsEqualTo("8000000000");
    }

    [Test]
    public async Task Trailers_are_lower_cased_sorted_one_line_per_value_and_a_name_sent_as_header_is_left_out()
    {
        var trailers = new HeaderDictionary
        {
            ["Grpc-Status"] = "0",
            ["X-Multi"] = new(["b", "a"]),
            ["Grpc-Message"] = "line\r\nbreak ",
            ["Content-Type"] = "application/grpc",
        };
        var frame = GrpcWebResponse.TrailerFrame(trailers, new HashSet<string>(["content-type"], StringComparer.OrdinalIgnoreCase));
        await Assert.That(Hex(frame)).IsEqualTo(Hex(TrailerFrame("grpc-message: line  break\r\ngrpc-status: 0\r\nx-multi: b\r\nx-multi: a\r\n")));
    }

    /// <summary>allowOrigins (comma-separated), the request's Origin, whether CORS headers are given.</summary>
    public static IEnumerable<(string Allowed, string? Origin, bool Answered)> PreflightCases()
    {
        yield return ("https://app.example", "https://app.example", true);
        yield return ("https://app.example", "https://evil.example", false);
        yield return ("https://other.example,*", "https://any.example", true);
        yield return ("", "https://app.example", false);
        yield return ("*", null, false);
    }

    [Test]
    [MethodDataSource(nameof(PreflightCases))]
    public async Task A_preflight_for_x_grpc_web_is_answered_200_here_with_CORS_for_allowed_origins_only(string allowed, string? origin, bool answered)
    {
        var chain = new MiddlewareHarness.Chain(GrpcWeb(allowed.Split(',', StringSplitOptions.RemoveEmptyEntries)));
        var h = await chain.RunAsync("/s/M", request: req =>
        {
            req.Method = "OPTIONS";
            if (origin is not null) req.Headers.Origin = origin;
            req.Headers.AccessControlRequestMethod = "post";
            req.Headers.AccessControlRequestHeaders = "x-grpc-web,content-type x-user-agent";
        });
        await Assert.That(h.Forwarded).IsFalse().Because("the preflight never reaches the service");
        await Assert.That(h.Status).IsEqualTo(200);
        await Assert.That(string.Join(",", h.Context.Response.Headers.Vary.ToArray())).IsEqualTo("Origin,Access-Control-Request-Method,Access-Control-Request-Headers");
        if (!answered)
        {
            await Assert.That(h.ResponseHeader("Access-Control-Allow-Origin")).IsEqualTo("");
            return;
        }
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Origin")).IsEqualTo(origin!);
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Methods")).IsEqualTo("POST");
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Headers")).IsEqualTo("X-Grpc-Web, Content-Type, X-User-Agent");
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Credentials")).IsEqualTo("true");
        await Assert.That(h.ResponseHeader("Access-Control-Max-Age")).IsEqualTo("600");
    }

    [Test]
    public async Task An_allowed_origins_gRPC_Web_call_gets_allow_origin_and_credentials()
    {
        var seen = new Seen();
        var chain = new MiddlewareHarness.Chain(GrpcWeb("https://app.example"), Service(seen, [("grpc-status", "0")]));
        var h = await chain.RunAsync("/s/M", request: GrpcWebPost("application/grpc-web", Request, origin: "https://app.example"));
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Origin")).IsEqualTo("https://app.example");
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Credentials")).IsEqualTo("true");
        await Assert.That(h.ResponseHeader("Vary")).IsEqualTo("Origin");
        await Assert.That(h.ResponseHeader("Access-Control-Expose-Headers").Split(", ")).Contains("Access-Control-Allow-Origin");
    }

    public static IEnumerable<(string Method, string? ContentType, string? RequestHeaders)> PassThrough()
    {
        yield return ("GET", null, null);
        yield return ("POST", "application/json", null);
        yield return ("POST", "application/grpc", null);            // native gRPC is left as it is
        yield return ("POST", "Application/grpc-web", null);        // Go's HasPrefix is case-sensitive
        yield return ("OPTIONS", null, "content-type");             // a preflight that does not ask for x-grpc-web
    }

    [Test]
    [MethodDataSource(nameof(PassThrough))]
    public async Task Other_requests_pass_through_untouched(string method, string? contentType, string? requestHeaders)
    {
        var chain = new MiddlewareHarness.Chain(GrpcWeb("*"), r => r.Context.Response.WriteAsync("plain"));
        var h = await chain.RunAsync("/", request: req =>
        {
            req.Method = method;
            req.ContentType = contentType;
            req.Headers.Origin = "https://app.example";
            if (requestHeaders is not null) { req.Headers.AccessControlRequestHeaders = requestHeaders; req.Headers.AccessControlRequestMethod = "POST"; }
        });
        await Assert.That(h.Forwarded).IsTrue();
        await Assert.That(h.RequestHeader("Content-Type")).IsEqualTo(contentType ?? "");
        await Assert.That(h.Body).IsEqualTo("plain");
        await Assert.That(h.ResponseHeader("Access-Control-Allow-Origin")).IsEqualTo("");
        await Assert.That(h.ResponseHeader("Access-Control-Expose-Headers")).IsEqualTo("");
    }

    [Test]
    [Arguments("X-Grpc-Web", new[] { "X-Grpc-Web" })]
    [Arguments("x-grpc-web, content-type", new[] { "X-Grpc-Web", "Content-Type" })]
    [Arguments("  a_b.c , ,X-USER-agent", new[] { "A_b.c", "X-User-Agent" })]
    [Arguments("", new string[0])]
    public async Task Requested_headers_are_parsed_as_rs_cors_does(string list, string[] expected)
    {
        await Assert.That(string.Join("|", GrpcWebMiddleware.ParseHeaderList(list))).IsEqualTo(string.Join("|", expected));
    }
}
