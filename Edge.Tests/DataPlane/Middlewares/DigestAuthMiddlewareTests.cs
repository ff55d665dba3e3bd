using System.Security.Cryptography;
using System.Text;
using Edge.DataPlane.Middlewares;
using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>
/// Traefik's digestAuth (its TestDigestAuth* cases as data): the 401 challenge, an RFC 2617
/// MD5/qop=auth answer computed here as a client does, realms, usersFile merged with users,
/// stale nonces, and the options after success.
/// </summary>
public class DigestAuthMiddlewareTests
{
    private const string TestUser = "test:traefik:a2688e031edb4be6a3797f3882655c05";     // test:test
    private const string Test2User = "test2:traefik:518845800f9e2bfb1f1f740ec24f074e";   // test2:test2

    private static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));

    /// <summary>The Authorization header a client sends for the challenge.</summary>
    private static string Answer(string challenge, string user, string password, string uri = "/", string nc = "00000001", string method = "GET")
    {
        var c = DigestAuthMiddleware.Params(challenge)!;
        const string cnonce = "0a4f113b";
        var ha1 = Md5($"{user}:{c["realm"]}:{password}");
        var ha2 = Md5($"{method}:{uri}");
        var response = Md5($"{ha1}:{c["nonce"]}:{nc}:{cnonce}:auth:{ha2}");
        return $"Digest username=\"{user}\", realm=\"{c["realm"]}\", nonce=\"{c["nonce"]}\", uri=\"{uri}\", algorithm=MD5, " +
               $"qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\", opaque=\"{c["opaque"]}\"";
    }

    private static async Task<MiddlewareHarness> Login(MiddlewareHarness.Chain chain, string user, string password, string path = "/")
    {
        var challenge = await chain.RunAsync(path);
        var header = Answer(challenge.ResponseHeader("WWW-Authenticate"), user, password, path);
        return await chain.RunAsync(path, request: r => r.Headers.Authorization = header);
    }

    [Test]
    public async Task Without_credentials_the_answer_is_a_401_challenge()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { DigestAuth = new DigestAuthConfig { Users = [TestUser] } });
        await Assert.That(h.Status).IsEqualTo(401);
        await Assert.That(h.Body).IsEqualTo("401 Unauthorized\n");
        await Assert.That(h.Forwarded).IsFalse();
        var c = DigestAuthMiddleware.Params(h.ResponseHeader("WWW-Authenticate"))!;
        await Assert.That(c["realm"]).IsEqualTo("traefik");
        await Assert.That(c["algorithm"]).IsEqualTo("MD5");
        await Assert.That(c["qop"]).IsEqualTo("auth");
        await Assert.That(c["nonce"].Length).IsGreaterThan(10);
        await Assert.That(c.ContainsKey("stale")).IsFalse();
    }

    [Test]
    [Arguments("test", "test", 200)]
    [Arguments("test", "wrong", 401)]
    [Arguments("nobody", "test", 401)]
    public async Task The_challenge_answered_with_the_password_passes(string user, string password, int status)
    {
        var chain = new MiddlewareHarness.Chain(new Middleware { DigestAuth = new DigestAuthConfig { Users = [TestUser] } });
        var h = await Login(chain, user, password);
        await Assert.That(h.Status).IsEqualTo(status);
        await Assert.That(h.Forwarded).IsEqualTo(status == 200);
    }

    // Traefik's TestDigestAuthUsersFromFile: file users, merged with users (which win), per realm.
    [Test]
    [Arguments(TestUser + "\n" + Test2User + "\n", new string[0], "", "test", "test", 200)]
    [Arguments(TestUser + "\n" + Test2User + "\n", new string[0], "", "test2", "test2", 200)]
    [Arguments(TestUser + "\n", new[] { Test2User, "test3:traefik:c8e9f57ce58ecb4424407f665a91646c" }, "", "test3", "test3", 200)]
    [Arguments(TestUser + "\n" + Test2User + "\n", new[] { "test2:traefik:8de60a1c52da68ccf41f0c0ffb7c51a0" }, "", "test2", "overridden", 200)]
    [Arguments(TestUser + "\n" + Test2User + "\n", new[] { "test2:traefik:8de60a1c52da68ccf41f0c0ffb7c51a0" }, "", "test2", "test2", 401)]
    [Arguments(TestUser + "\ntest:traefiker:a3d334dff2645b914918de78bec50bf4\n", new string[0], "traefiker", "test", "test2", 200)]
    [Arguments(TestUser + "\ntest:traefiker:a3d334dff2645b914918de78bec50bf4\n", new string[0], "traefiker", "test", "test", 401)]
    public async Task Users_come_from_usersFile_and_users_for_the_realm(string file, string[] users, string realm, string user, string password, int status)
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, file);
            var chain = new MiddlewareHarness.Chain(new Middleware { DigestAuth = new DigestAuthConfig { UsersFile = path, Users = [.. users], Realm = realm } });
            await Assert.That((await Login(chain, user, password)).Status).IsEqualTo(status);
        }
        finally { File.Delete(path); }
    }

    [Test]
    public async Task A_nonce_it_did_not_issue_or_a_replayed_count_gets_a_stale_challenge()
    {
        var m = new Middleware { DigestAuth = new DigestAuthConfig { Users = [TestUser] } };
        var chain = new MiddlewareHarness.Chain(m);
        var challenge = (await chain.RunAsync()).ResponseHeader("WWW-Authenticate");
        var header = Answer(challenge, "test", "test");
        await Assert.That((await chain.RunAsync(request: r => r.Headers.Authorization = header)).Status).IsEqualTo(200);
        var replay = await chain.RunAsync(request: r => r.Headers.Authorization = header);
        await Assert.That(replay.Status).IsEqualTo(401);
        await Assert.That(replay.ResponseHeader("WWW-Authenticate")).EndsWith(", stale=true");
        var next = Answer(challenge, "test", "test", nc: "00000002");
        await Assert.That((await chain.RunAsync(request: r => r.Headers.Authorization = next)).Status).IsEqualTo(200).Because("the count grew");

        // Another router's chain never issued that nonce (nor shares the opaque): a fresh challenge.
        var other = new MiddlewareHarness.Chain(m);
        await Assert.That((await other.RunAsync(request: r => r.Headers.Authorization = header)).Status).IsEqualTo(401);
    }

    [Test]
    public async Task HeaderField_and_removeHeader_after_success()
    {
        var chain = new MiddlewareHarness.Chain(new Middleware { DigestAuth = new DigestAuthConfig { Users = [TestUser], HeaderField = "X-WebAuth-User", RemoveHeader = true } });
        var h = await Login(chain, "test", "test", "/api/x");
        await Assert.That(h.Status).IsEqualTo(200);
        await Assert.That(h.RequestHeader("X-WebAuth-User")).IsEqualTo("test");
        await Assert.That(h.RequestHeader("Authorization")).IsEqualTo("");
    }

    [Test]
    public async Task An_answer_for_another_uri_is_refused()
    {
        var chain = new MiddlewareHarness.Chain(new Middleware { DigestAuth = new DigestAuthConfig { Users = [TestUser] } });
        var challenge = (await chain.RunAsync("/a")).ResponseHeader("WWW-Authenticate");
        var header = Answer(challenge, "test", "test", "/b");
        await Assert.That((await chain.RunAsync("/a", request: r => r.Headers.Authorization = header)).Status).IsEqualTo(401);
    }

    [Test]
    [Arguments("test", "error parsing DigestUser: test")]
    public async Task A_user_line_that_is_not_name_realm_hash_is_refused(string line, string expected)
    {
        var built = MiddlewareBuilder.Create(new Middleware { DigestAuth = new DigestAuthConfig { Users = [line] } }, out var error);
        await Assert.That(built).IsNull();
        await Assert.That(error).IsEqualTo(expected);
    }
}
