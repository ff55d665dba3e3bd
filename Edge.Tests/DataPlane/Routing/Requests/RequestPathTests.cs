using Edge.Configuration;
using Edge.DataPlane.Routing.Requests;

namespace Edge.Tests.DataPlane.Routing.Requests;

/// <summary>Traefik's request-path processing (encoded-character filter, normalisation, sanitizePath) as one pure function.</summary>
public class RequestPathTests
{
    [Test]
    [Arguments("/a/b", "/a/b", "/a/b")]
    [Arguments("/%61dmin", "/admin", "/admin")]
    [Arguments("/a/%2e%2e/b", "/b", "/b")]
    [Arguments("/a%2cb", "/a%2Cb", "/a%2Cb")]
    [Arguments("/foo%20bar", "/foo%20bar", "/foo bar")]
    [Arguments("/caf%c3%a9", "/caf%C3%A9", "/café")]
    [Arguments("/./foo/../bar//", "/bar/", "/bar/")]
    [Arguments("/foo/bar//", "/foo/bar/", "/foo/bar/")]
    [Arguments("/a/.", "/a", "/a")]
    [Arguments("/..", "/", "/")]
    [Arguments("/a/%7Euser", "/a/~user", "/a/~user")]
    [Arguments("/é", "/%C3%A9", "/é")]
    public async Task Normalises_like_traefik(string raw, string escaped, string routing)
    {
        var p = RequestPath.Normalize(raw, DeniedEncodings.All, sanitize: true, out var reason);
        await Assert.That(reason).IsNull();
        await Assert.That(p!.Escaped).IsEqualTo(escaped);
        await Assert.That(p.Routing).IsEqualTo(routing);
        await Assert.That(p.Unchanged).IsEqualTo(raw == escaped);
    }

    [Test]
    [Arguments("/a%2Fb")]
    [Arguments("/a%2fb")]
    [Arguments("/a%5Cb")]
    [Arguments("/a%5cb")]
    [Arguments("/a%00")]
    [Arguments("/a%3Bb")]
    [Arguments("/a%3bb")]
    [Arguments("/a%25b")]
    [Arguments("/a%3Fb")]
    [Arguments("/a%3fb")]
    [Arguments("/a%23b")]
    [Arguments("/a\\b")]
    [Arguments("/a#b")]
    [Arguments("/a%zz")]
    [Arguments("/a%2")]
    public async Task Rejects_by_default(string raw)
    {
        await Assert.That(RequestPath.Normalize(raw, DeniedEncodings.All, sanitize: true, out var reason)).IsNull();
        await Assert.That(reason).IsNotNull();
    }

    [Test]
    public async Task An_allowed_encoding_stays_encoded_and_is_not_a_separator()
    {
        var p = RequestPath.Normalize("/public/..%2fadmin", DeniedEncodings.All & ~DeniedEncodings.Slash, sanitize: true, out _);
        await Assert.That(p!.Escaped).IsEqualTo("/public/..%2Fadmin");
        await Assert.That(p.Routing).IsEqualTo("/public/..%2Fadmin");
        var none = RequestPath.Normalize("/a%3Bb%25c", DeniedEncodings.None, sanitize: true, out _);
        await Assert.That(none!.Escaped).IsEqualTo("/a%3Bb%25c");
    }

    [Test]
    public async Task Without_sanitize_dot_segments_and_double_slashes_stay()
    {
        var p = RequestPath.Normalize("/a/../b//c", DeniedEncodings.All, sanitize: false, out _);
        await Assert.That(p!.Escaped).IsEqualTo("/a/../b//c");
        await Assert.That(p.Routing).IsEqualTo("/a/../b//c");
        await Assert.That(p.Unchanged).IsTrue();
    }

    [Test]
    public async Task A_clean_path_reuses_the_given_string()
    {
        var kestrel = new string("/api/v1/items".AsSpan());
        var p = RequestPath.Normalize("/api/v1/items", DeniedEncodings.All, sanitize: true, out _, kestrel);
        await Assert.That(ReferenceEquals(p!.Routing, kestrel)).IsTrue();
    }
}
