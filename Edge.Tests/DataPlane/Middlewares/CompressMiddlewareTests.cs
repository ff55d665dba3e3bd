using System.IO.Compression;
using System.Text;
using Edge.DataPlane.Middlewares;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's compress middleware in process, the cases of its compress_test.go and docs: which
/// encoding Accept-Encoding gets, when a response is (not) compressed, the headers it ends with.
/// The backend is a terminal step that sets headers and writes the body in chunks, as the
/// forwarder does.
/// </summary>
public class CompressMiddlewareTests
{
    public sealed record Backend(byte[] Body, string? ContentType = null, string? ContentEncoding = null, int Status = 200,
        long? ContentLength = null, int Chunk = 0, string? ContentRange = null, string? Vary = null);

    private static byte[] Text(int n) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("compressible text ", n / 18 + 1)))[..n];

    private static async Task<MiddlewareHarness> Run(CompressConfig config, Backend backend, string? acceptEncoding = "gzip",
        string method = "GET", string? requestContentType = null)
    {
        var chain = new MiddlewareHarness.Chain(new Middleware { Compress = config }, async r =>
        {
            var res = r.Context.Response;
            res.StatusCode = backend.Status;
            if (backend.ContentType is not null) res.ContentType = backend.ContentType;
            if (backend.ContentEncoding is not null) res.Headers.ContentEncoding = backend.ContentEncoding;
            if (backend.ContentLength is not null) res.ContentLength = backend.ContentLength;
            if (backend.ContentRange is not null) res.Headers.ContentRange = backend.ContentRange;
            if (backend.Vary is not null) res.Headers.Vary = backend.Vary;
            res.Headers.AcceptRanges = "bytes";
            int chunk = backend.Chunk > 0 ? backend.Chunk : Math.Max(1, backend.Body.Length);
            for (int i = 0; i < backend.Body.Length; i += chunk)
                await res.Body.WriteAsync(backend.Body.AsMemory(i, Math.Min(chunk, backend.Body.Length - i)));
        });
        return await chain.RunAsync(request: req =>
        {
            req.Method = method;
            if (acceptEncoding is not null) req.Headers.AcceptEncoding = acceptEncoding;
            if (requestContentType is not null) req.ContentType = requestContentType;
        });
    }

    private static CompressConfig Defaults(int? min = null) => new() { Encodings = ["gzip", "br", "zstd"], MinResponseBodyBytes = min };

    private static byte[] Raw(MiddlewareHarness h) => ((MemoryStream)h.Context.Response.Body).ToArray();

    private static byte[] Decode(MiddlewareHarness h)
    {
        using var input = new MemoryStream(Raw(h));
        using Stream decoder = h.ResponseHeader("Content-Encoding") switch
        {
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            "zstd" => new ZstdSharp.DecompressionStream(input),
            _ => new GZipStream(input, CompressionMode.Decompress),
        };
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Traefik's TestNegotiation (min size 1, a 10-byte body).</summary>
    [Test]
    [Arguments(null, "")]
    [Arguments("notreal", "")]
    [Arguments("*", "")]   // gzhttp does not compress for a wildcard
    [Arguments("gzip", "gzip")]
    [Arguments("br", "br")]
    [Arguments("br;q=0.8, gzip;q=0.6", "br")]
    [Arguments("gzip;q=1.0, br;q=0.8", "gzip")]
    [Arguments("gzip, br", "gzip")]
    [Arguments("gzip;q=0.8, br;q=1.0, zstd;q=0.7", "br")]
    [Arguments("gzip;q=1.0, br;q=0.8, zstd;q=0.7", "gzip")]
    [Arguments("gzip, br, zstd", "gzip")]
    [Arguments("zstd", "zstd")]
    [Arguments("zstd;q=0.9, br;q=0.8, gzip;q=0.6", "zstd")]
    [Arguments("gzip;q=0, br;q=0", "")]
    [Arguments("br;q=abc, gzip", "gzip")]
    public async Task Accept_encoding_negotiation(string? header, string expected)
    {
        var h = await Run(Defaults(1), new Backend(Text(10)), header);
        await Assert.That(h.ResponseHeader("Content-Encoding")).IsEqualTo(expected);
        if (expected.Length > 0) await Assert.That(Decode(h)).IsEquivalentTo(Text(10));
        else await Assert.That(Raw(h)).IsEquivalentTo(Text(10));
    }

    [Test]
    [Arguments("gzip, *", null, "gzip")]          // the wildcard has the highest priority at equal weight
    [Arguments("*", "br", "br")]
    [Arguments("br;q=0.5, *;q=0.9", "gzip", "gzip")]
    [Arguments("", null, "identity")]
    [Arguments("identity", null, "identity")]
    [Arguments("identity, gzip", null, "gzip")]   // identity comes after every encoding
    [Arguments("GZIP", null, "not_acceptable")]  // names compared as written, as Traefik does
    [Arguments("x;q=1, gzip;q=0", null, "not_acceptable")]
    public async Task Choose_follows_Traefiks_weights_and_priorities(string header, string? defaultEncoding, string expected)
    {
        var priorities = AcceptEncoding.Priorities(["gzip", "br"]);
        await Assert.That(AcceptEncoding.Choose(header, priorities, "gzip", defaultEncoding)).IsEqualTo(expected);
    }

    [Test]
    [Arguments("gzip")]
    [Arguments("br")]
    [Arguments("zstd")]
    public async Task A_large_response_is_compressed_with_Vary_and_without_Content_Length(string encoding)
    {
        var body = Text(100_000);
        var h = await Run(Defaults(), new Backend(body, "text/plain", ContentLength: body.Length, Chunk: 4096), encoding);
        await Assert.That(h.ResponseHeader("Content-Encoding")).IsEqualTo(encoding);
        await Assert.That(h.ResponseHeader("Vary")).IsEqualTo("Accept-Encoding");
        await Assert.That(h.Context.Response.ContentLength).IsNull();
        await Assert.That(Raw(h).Length).IsLessThan(body.Length / 10);
        await Assert.That(Decode(h)).IsEquivalentTo(body);
    }

    [Test]
    public async Task The_status_code_is_kept()
    {
        var h = await Run(Defaults(), new Backend(Text(5000), "text/plain", Status: 201));
        await Assert.That(h.Status).IsEqualTo(201);
        await Assert.That(h.ResponseHeader("Content-Encoding")).IsEqualTo("gzip");
    }

    public static IEnumerable<Func<(string Case, CompressConfig Config, Backend Backend, string? Accept, string Method, string? RequestType, string Vary)>> Uncompressed()
    {
        var body = Text(2000);
        yield return () => ("already encoded", Defaults(), new Backend(body, ContentEncoding: "gzip", Vary: "Accept-Encoding"), "gzip", "GET", null, "Accept-Encoding");
        yield return () => ("no Accept-Encoding", Defaults(), new Backend(body), null, "GET", null, "");
        yield return () => ("empty Accept-Encoding", Defaults(), new Backend(body), "", "GET", null, "");
        yield return () => ("identity", Defaults(), new Backend(body), "identity", "GET", null, "");
        yield return () => ("HEAD", Defaults(), new Backend(body), "gzip", "HEAD", null, "");
        yield return () => ("excluded request type", new CompressConfig { Encodings = ["gzip"], ExcludedContentTypes = ["text/event-stream"] }, new Backend(body), "gzip", "GET", "text/event-stream", "");
        yield return () => ("excluded response type", new CompressConfig { Encodings = ["gzip"], ExcludedContentTypes = ["text/event-stream"] }, new Backend(body, "text/event-stream"), "gzip", "GET", null, "Accept-Encoding");
        yield return () => ("not an included type", new CompressConfig { Encodings = ["gzip"], IncludedContentTypes = ["text/plain"] }, new Backend(body, "text/html"), "gzip", "GET", null, "Accept-Encoding");
        yield return () => ("included with other parameters", new CompressConfig { Encodings = ["br"], IncludedContentTypes = ["text/plain; charset=utf-8"] }, new Backend(body, "text/plain; charset=latin1"), "br", "GET", null, "Accept-Encoding");
        yield return () => ("gRPC request, exclude option", new CompressConfig { Encodings = ["gzip"], ExcludedContentTypes = ["application/json"] }, new Backend(body), "gzip", "GET", "application/grpc", "");
        yield return () => ("gRPC request, include option", new CompressConfig { Encodings = ["gzip"], IncludedContentTypes = ["application/json"] }, new Backend(body), "gzip", "GET", "application/grpc", "");
        yield return () => ("gRPC response", Defaults(), new Backend(body, "application/grpc"), "br", "GET", null, "Accept-Encoding");
        yield return () => ("below minResponseBodyBytes", Defaults(100_001), new Backend(Text(100_000), Chunk: 8192), "gzip", "GET", null, "Accept-Encoding");
        yield return () => ("Content-Length below the minimum", Defaults(), new Backend(Text(500), ContentLength: 500), "gzip", "GET", null, "Accept-Encoding");
        yield return () => ("a range (gzip)", Defaults(), new Backend(body, ContentRange: "bytes 0-1999/9000"), "gzip", "GET", null, "Accept-Encoding");
        yield return () => ("an unparsable type", Defaults(), new Backend(body, "text/"), "gzip", "GET", null, "Accept-Encoding");
        yield return () => ("gzip only as default, no header", new CompressConfig { Encodings = ["gzip"], DefaultEncoding = "gzip" }, new Backend(body), null, "GET", null, "Accept-Encoding");
    }

    [Test]
    [MethodDataSource(nameof(Uncompressed))]
    public async Task Responses_Traefik_does_not_compress_pass_unchanged((string Case, CompressConfig Config, Backend Backend, string? Accept, string Method, string? RequestType, string Vary) c)
    {
        var h = await Run(c.Config, c.Backend, c.Accept, c.Method, c.RequestType);
        await Assert.That(h.ResponseHeader("Content-Encoding")).IsEqualTo(c.Backend.ContentEncoding ?? "").Because(c.Case);
        await Assert.That(Raw(h)).IsEquivalentTo(c.Backend.Body).Because(c.Case);
        await Assert.That(h.ResponseHeader("Vary")).IsEqualTo(c.Vary).Because(c.Case);
        await Assert.That(h.ResponseHeader("Accept-Ranges")).IsEqualTo("bytes").Because(c.Case);
    }

    [Test]
    public async Task Included_type_is_compressed_and_a_body_written_in_small_chunks_crosses_the_threshold()
    {
        var body = Text(3000);
        var h = await Run(new CompressConfig { Encodings = ["gzip", "br"], IncludedContentTypes = ["text/html"] },
            new Backend(body, "text/html; charset=utf-8", Chunk: 100));
        await Assert.That(h.ResponseHeader("Content-Encoding")).IsEqualTo("gzip");
        await Assert.That(h.ResponseHeader("Accept-Ranges")).IsEqualTo("").Because("gzhttp drops Accept-Ranges once it compresses");
        await Assert.That(Decode(h)).IsEquivalentTo(body);
    }

    [Test]
    public async Task Default_encoding_applies_without_Accept_Encoding_and_for_a_wildcard()
    {
        var config = new CompressConfig { Encodings = ["gzip", "br"], DefaultEncoding = "br" };
        var none = await Run(config, new Backend(Text(2000)), null);
        await Assert.That(none.ResponseHeader("Content-Encoding")).IsEqualTo("br");
        var wildcard = await Run(config, new Backend(Text(2000)), "*");
        await Assert.That(wildcard.ResponseHeader("Content-Encoding")).IsEqualTo("br");
        await Assert.That(Decode(wildcard)).IsEquivalentTo(Text(2000));
    }

    [Test]
    public async Task A_missing_content_type_is_sniffed_and_set_for_gzip()
    {
        var body = Encoding.ASCII.GetBytes("<html><body>" + new string('x', 2000) + "</body></html>");
        var h = await Run(Defaults(), new Backend(body), "gzip");
        await Assert.That(h.ResponseHeader("Content-Type")).IsEqualTo("text/html; charset=utf-8");
        await Assert.That(Decode(h)).IsEquivalentTo(body);
    }

    [Test]
    public async Task Vary_is_added_once_beside_the_backends()
    {
        var h = await Run(Defaults(), new Backend(Text(2000), "text/plain", Vary: "Origin"), "gzip");
        await Assert.That(string.Join("|", h.Context.Response.Headers.Vary.ToArray())).IsEqualTo("Origin|Accept-Encoding");
    }

    [Test]
    public async Task An_event_stream_is_compressed_and_sent_from_its_first_chunk()
    {
        long sentAfterFirstChunk = -1;
        MemoryStream? sink = null;
        var chain = new MiddlewareHarness.Chain(new Middleware { Compress = Defaults() }, async r =>
        {
            r.Context.Response.ContentType = "text/event-stream";
            await r.Context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes("data: 1\n\n"));
            sentAfterFirstChunk = sink!.Length;
            await r.Context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes("data: 2\n\n"));
        });
        var h = await chain.RunAsync(request: req =>
        {
            req.Headers.AcceptEncoding = "gzip";
            sink = (MemoryStream)req.HttpContext.Response.Body;   // what the client has been sent so far
        });
        await Assert.That(sentAfterFirstChunk).IsGreaterThan(0).Because("the first event is not held back for minResponseBodyBytes");
        await Assert.That(Encoding.ASCII.GetString(Decode(h))).IsEqualTo("data: 1\n\ndata: 2\n\n");
    }

    [Test]
    [Arguments("""{"excludedContentTypes":["text/plain"],"includedContentTypes":["text/html"]}""", "excludedContentTypes and includedContentTypes options are mutually exclusive")]
    [Arguments("""{"excludedContentTypes":["text/"]}""", "parsing excluded media type: mime: expected token after slash")]
    [Arguments("""{"includedContentTypes":["text html"]}""", "parsing included media type: mime: expected slash after first token")]
    [Arguments("""{"encodings":[]}""", "at least one encoding must be specified")]
    [Arguments("""{"encodings":["gzip","deflate"]}""", "unsupported encoding: deflate")]
    [Arguments("""{"encodings":["gzip"],"defaultEncoding":"br"}""", "unsupported default encoding: br")]
    public async Task Bad_options_are_refused_with_Traefiks_errors(string json, string error)
    {
        var config = System.Text.Json.JsonSerializer.Deserialize(json, ModelJsonContext.Default.CompressConfig)!;
        await Assert.That(MiddlewareBuilder.Create(new Middleware { Compress = config }, out var why)).IsNull();
        await Assert.That(why).IsEqualTo(error);
    }

    [Test]
    public async Task DefaultEncoding_zstd_compresses_a_request_without_Accept_Encoding_with_zstd()
    {
        var body = Text(5000);
        var h = await Run(new CompressConfig { Encodings = ["zstd", "gzip"], DefaultEncoding = "zstd" }, new Backend(body, "text/plain"), null);
        await Assert.That(h.ResponseHeader("Content-Encoding")).IsEqualTo("zstd");
        await Assert.That(Convert.ToHexString(Raw(h), 0, 4)).IsEqualTo("28B52FFD").Because("a zstd frame's magic number");
        await Assert.That(Decode(h)).IsEquivalentTo(body);
    }
}
