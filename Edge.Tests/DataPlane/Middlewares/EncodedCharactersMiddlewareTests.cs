using Edge.Configuration;
using Edge.DataPlane.Middlewares;
using Edge.DataPlane.Routing.Requests;
using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's encodedCharacters middleware (pkg/middlewares/encodedcharacters and its tests): each
/// encoding denied unless allowed, 400 with no body, the rest passes.
/// </summary>
public class EncodedCharactersMiddlewareTests
{
    /// <summary>Puts a raw path on the request as an entry point that denies nothing would (the harness's own denies every encoding).</summary>
    private sealed class RawPath(string raw) : HttpMiddleware
    {
        public override ProxyHandler Wrap(ProxyHandler next) => r =>
        {
            r.Path = RequestPath.Normalize(raw, DeniedEncodings.None, false, out var why) ?? throw new InvalidOperationException(why);
            return next(r);
        };
    }

    public static IEnumerable<(string Path, Func<EncodedCharactersConfig> Config, int Expected)> Cases()
    {
        yield return ("/plain/path", () => new(), 200);
        yield return ("/caf%C3%A9", () => new(), 200);
        foreach (var (enc, allow) in new (string, Func<EncodedCharactersConfig>)[]
        {
            ("%2F", () => new() { AllowEncodedSlash = true }), ("%2f", () => new() { AllowEncodedSlash = true }),
            ("%5C", () => new() { AllowEncodedBackSlash = true }), ("%5c", () => new() { AllowEncodedBackSlash = true }),
            ("%00", () => new() { AllowEncodedNullCharacter = true }),
            ("%3B", () => new() { AllowEncodedSemicolon = true }), ("%3b", () => new() { AllowEncodedSemicolon = true }),
            ("%25", () => new() { AllowEncodedPercent = true }),
            ("%3F", () => new() { AllowEncodedQuestionMark = true }), ("%3f", () => new() { AllowEncodedQuestionMark = true }),
            ("%23", () => new() { AllowEncodedHash = true }),
        })
        {
            yield return ($"/a{enc}b", () => new(), 400);
            yield return ($"/a{enc}b", allow, 200);
        }
        // Allowing one encoding leaves the others denied.
        yield return ("/a%2Fb%3Bc", () => new() { AllowEncodedSlash = true }, 400);
        yield return ("/a%2Fb%3Bc", () => new() { AllowEncodedSlash = true, AllowEncodedSemicolon = true }, 200);
        // Everything allowed: nothing is checked.
        yield return ("/a%2F%5C%00%3B%25%3F%23", () => new()
        {
            AllowEncodedSlash = true, AllowEncodedBackSlash = true, AllowEncodedNullCharacter = true, AllowEncodedSemicolon = true,
            AllowEncodedPercent = true, AllowEncodedQuestionMark = true, AllowEncodedHash = true,
        }, 200);
    }

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Denied_encodings_in_the_path_are_answered_400(string path, Func<EncodedCharactersConfig> config, int expected)
    {
        var built = MiddlewareBuilder.Create(new Middleware { EncodedCharacters = config() }, out var error) ?? throw new InvalidOperationException(error);
        var h = await MiddlewareHarness.RunAsync([new RawPath(path), built]);
        await Assert.That(h.Status).IsEqualTo(expected);
        await Assert.That(h.Forwarded).IsEqualTo(expected == 200);
        if (expected == 400) await Assert.That(h.Body).IsEqualTo("").Because("Traefik writes only the status");
    }
}
