using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Path middlewares, with cases taken from Traefik's documentation and its middleware tests
/// (pkg/middlewares/{addprefix,stripprefix,stripprefixregex,replacepath,replacepathregex}):
/// what path and headers the backend receives.
/// </summary>
public class PathMiddlewareTests
{
    [Test]
    [Arguments("/foo", "/bar", "/foo/bar")]
    [Arguments("foo", "/bar", "/foo/bar")]        // Traefik's ensureLeadingSlash
    [Arguments("/foo", "/", "/foo/")]
    [Arguments("/a b", "/x", "/a%20b/x")]     // the backend gets a valid request target
    public async Task AddPrefix(string prefix, string path, string expected)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { AddPrefix = new() { Prefix = prefix } }, path);
        await Assert.That(h.ForwardedPath).IsEqualTo(expected);
    }

    [Test]
    [Arguments("/api", "/api/users", "/users", "/api")]
    [Arguments("/api", "/api", "/", "/api")]
    [Arguments("/api/", "/api/users", "/users", "/api/")]
    [Arguments("/api", "/apiusers", "/users", "/api")]     // a string prefix, not a segment (Traefik)
    [Arguments("/api", "/other", "/other", "")]
    [Arguments("/caf\u00e9", "/caf%C3%A9/x", "/x", "/caf\u00e9")]   // decoded prefix, escaped path cut whole
    public async Task StripPrefix(string prefix, string path, string expected, string forwardedPrefix)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { StripPrefix = new() { Prefixes = ["/nomatch", prefix] } }, path);
        await Assert.That(h.ForwardedPath).IsEqualTo(expected);
        await Assert.That(h.RequestHeader("X-Forwarded-Prefix")).IsEqualTo(forwardedPrefix);
    }

    [Test]
    public async Task StripPrefix_takes_the_first_matching_prefix_only()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { StripPrefix = new() { Prefixes = ["/a", "/a/b"] } }, "/a/b/c");
        await Assert.That(h.ForwardedPath).IsEqualTo("/b/c");
    }

    [Test]
    [Arguments("/a/[a-z]+/", "/a/test/foo", "/foo", "/a/test/")]
    [Arguments("/b/[0-9]+", "/b/123/x", "/x", "/b/123")]
    [Arguments("/b/[0-9]+", "/c/b/123", "/c/b/123", "")]   // a match not at the start strips nothing
    public async Task StripPrefixRegex(string regex, string path, string expected, string forwardedPrefix)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { StripPrefixRegex = new() { Regex = [regex] } }, path);
        await Assert.That(h.ForwardedPath).IsEqualTo(expected);
        await Assert.That(h.RequestHeader("X-Forwarded-Prefix")).IsEqualTo(forwardedPrefix);
    }

    [Test]
    public async Task ReplacePath_sends_the_new_path_and_the_old_one_in_X_Replaced_Path()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { ReplacePath = new() { Path = "/foo" } }, "/bar/baz");
        await Assert.That(h.ForwardedPath).IsEqualTo("/foo");
        await Assert.That(h.RequestHeader("X-Replaced-Path")).IsEqualTo("/bar/baz");
    }

    [Test]
    [Arguments("^/api/(.*)", "/bar/$1", "/api/users", "/bar/users")]
    [Arguments("^/api/(.*)", "/bar/${1}x", "/api/users", "/bar/usersx")]
    [Arguments("^/api/(.*)", "/bar/$1x", "/api/users", "/bar/")]          // Go: $1x names group "1x"
    [Arguments("^/(?P<first>[a-z]+)/(.*)", "/$2/$first", "/one/two", "/two/one")]
    public async Task ReplacePathRegex(string regex, string replacement, string path, string expected)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { ReplacePathRegex = new() { Regex = regex, Replacement = replacement } }, path);
        await Assert.That(h.ForwardedPath).IsEqualTo(expected);
        await Assert.That(h.RequestHeader("X-Replaced-Path")).IsEqualTo(path);
    }

    [Test]
    public async Task ReplacePathRegex_without_a_match_leaves_the_path_and_sets_no_header()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { ReplacePathRegex = new() { Regex = "^/api/(.*)", Replacement = "/x" } }, "/other");
        await Assert.That(h.ForwardedPath).IsEqualTo("/other");
        await Assert.That(h.RequestHeader("X-Replaced-Path")).IsEqualTo("");
    }

    [Test]
    [Arguments("addPrefix")]
    [Arguments("replacePathRegex")]
    [Arguments("stripPrefixRegex")]
    [Arguments("redirectScheme")]
    public async Task Invalid_options_are_errors_not_middlewares(string type)
    {
        var m = type switch
        {
            "addPrefix" => new Middleware { AddPrefix = new() { Prefix = "" } },
            "replacePathRegex" => new Middleware { ReplacePathRegex = new() { Regex = "(", Replacement = "/" } },
            "stripPrefixRegex" => new Middleware { StripPrefixRegex = new() { Regex = ["(?=x)"] } },
            _ => new Middleware { RedirectScheme = new() { Scheme = "" } },
        };
        var built = Edge.DataPlane.Middlewares.MiddlewareBuilder.Create(m, out var error);
        await Assert.That(built).IsNull();
        await Assert.That(error).IsNotNull().And.IsNotEmpty();
    }
}
