using System.Text;
using Edge.DataPlane.Middlewares;
using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>basicAuth (htpasswd hashes checked against openssl's output) and ipAllowList.</summary>
public class AccessMiddlewareTests
{
    // openssl passwd -apr1 -salt H6uskkkW test (Traefik's documentation example), openssl passwd -1,
    // and base64(sha1("test")).
    private const string Apr1 = "test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/";
    private const string Md5Crypt = "user:$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/";
    private const string Sha = "sha:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=";

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    [Test]
    [Arguments("$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/", "test", true)]
    [Arguments("$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/", "Test", false)]
    [Arguments("$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", "password", true)]
    [Arguments("$apr1$abc$BfqKdn9xFDWJPa3kcp/PH0", "", true)]
    [Arguments("{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=", "test", true)]
    [Arguments("{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=", "tes", false)]
    public async Task Htpasswd_hashes(string hash, string password, bool ok) =>
        await Assert.That(Htpasswd.Verify(password, hash)).IsEqualTo(ok);

    [Test]
    public async Task BasicAuth_with_bcrypt_verifies_once_per_credential_and_still_refuses_a_wrong_password()
    {
        // htpasswd -nbB -C 4 u abc
        var middleware = new Middleware { BasicAuth = new() { Users = ["u:$2y$04$5Eauy99OhKai3FDtZMXQjuFBOf8hbHz6Hf5gWLPNI4Hi56ufhLY3W"] } };
        var built = (BasicAuthMiddleware)MiddlewareBuilder.Create(middleware, out var error)!;
        await Assert.That(error).IsNull();
        foreach (var (credentials, status) in new[] { ("u:abc", 200), ("u:abc", 200), ("u:abd", 401), ("u:abc", 200), ("u:ABC", 401), ("v:abc", 401) })
        {
            var h = await MiddlewareHarness.RunAsync(new HttpMiddleware[] { built }, "/", request: r => r.Headers.Authorization = Basic(credentials.Split(':')[0], credentials.Split(':')[1]));
            await Assert.That(h.Status).IsEqualTo(status).Because(credentials);
        }
        // One verified credential remembered; the wrong ones were never cached.
        await Assert.That(built.VerifiedCount).IsEqualTo(1);
    }

    [Test]
    public async Task BasicAuth_reads_a_users_file_first_and_inline_users_win_and_a_missing_file_is_an_error()
    {
        var file = Path.Combine(Path.GetTempPath(), "edge-htpasswd-" + Guid.NewGuid().ToString("N"));
        // The file's "test" (password "test") is replaced by the inline line for the same user; # lines and blanks are skipped.
        await File.WriteAllTextAsync(file, "# team\n\n" + Apr1 + "\n  " + Sha + "  \n");
        try
        {
            var inline = "test:{SHA}" + Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes("inline")));
            var m = new Middleware { BasicAuth = new() { UsersFile = file, Users = [inline] } };
            foreach (var (credentials, status) in new[] { ("sha:test", 200), ("test:inline", 200), ("test:test", 401) })
            {
                var h = await MiddlewareHarness.RunAsync(m, "/", request: r => r.Headers.Authorization = Basic(credentials.Split(':')[0], credentials.Split(':')[1]));
                await Assert.That(h.Status).IsEqualTo(status).Because(credentials);
            }
        }
        finally { File.Delete(file); }
        var missing = MiddlewareBuilder.Create(new Middleware { BasicAuth = new() { UsersFile = file } }, out var error);
        await Assert.That(missing).IsNull();
        await Assert.That(error).Contains("usersFile " + file);
    }

    [Test]
    [Arguments(null, 401)]
    [Arguments("test:wrong", 401)]
    [Arguments("nobody:test", 401)]
    [Arguments("test:test", 200)]
    [Arguments("user:password", 200)]
    [Arguments("sha:test", 200)]
    public async Task BasicAuth_answers_401_with_the_realm_unless_the_credentials_match(string? credentials, int status)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { BasicAuth = new() { Users = [Apr1, Md5Crypt, Sha] } }, "/",
            request: r => { if (credentials is not null) r.Headers.Authorization = Basic(credentials.Split(':')[0], credentials.Split(':')[1]); });
        await Assert.That(h.Status).IsEqualTo(status);
        await Assert.That(h.Forwarded).IsEqualTo(status == 200);
        if (status == 401) await Assert.That(h.ResponseHeader("WWW-Authenticate")).IsEqualTo("Basic realm=\"traefik\"");
    }

    [Test]
    public async Task BasicAuth_passes_the_user_and_can_remove_the_credentials()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { BasicAuth = new() { Users = [Apr1], Realm = "edge", RemoveHeader = true, HeaderField = "X-WebAuth-User" } }, "/",
            request: r => r.Headers.Authorization = Basic("test", "test"));
        await Assert.That(h.Forwarded).IsTrue();
        await Assert.That(h.RequestHeader("X-WebAuth-User")).IsEqualTo("test");
        await Assert.That(h.ForwardedHeaders!.ContainsKey("Authorization")).IsFalse();
    }

    [Test]
    [Arguments("test:$2x$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui", "bcrypt variant $2x$")]
    [Arguments("test:$2y$05$short", "malformed bcrypt hash")]
    [Arguments("test:plaintext", "unsupported password hash")]
    [Arguments("no-colon", "error parsing Authenticator user")]
    public async Task BasicAuth_with_a_hash_Edge_cannot_check_is_an_error_never_an_open_door(string line, string reason)
    {
        var built = MiddlewareBuilder.Create(new Middleware { BasicAuth = new() { Users = [line] } }, out var error);
        await Assert.That(built).IsNull();
        await Assert.That(error).Contains(reason);
    }

    [Test]
    [Arguments("127.0.0.1", new[] { "127.0.0.0/8" }, 200)]
    [Arguments("127.0.0.1", new[] { "192.168.0.0/16", "127.0.0.1" }, 200)]
    [Arguments("127.0.0.1", new[] { "10.0.0.0/8" }, 403)]
    [Arguments("::1", new[] { "::1/128" }, 200)]
    public async Task IpAllowList_by_connection_address(string remote, string[] ranges, int status)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { IpAllowList = new() { SourceRange = ranges.ToList() } }, "/", remote: remote);
        await Assert.That(h.Status).IsEqualTo(status);
        await Assert.That(h.Forwarded).IsEqualTo(status == 200);
    }

    [Test]
    public async Task IpAllowList_reject_status_code_is_configurable()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware { IpAllowList = new() { SourceRange = ["10.0.0.0/8"], RejectStatusCode = 404 } }, "/");
        await Assert.That(h.Status).IsEqualTo(404);
    }

    [Test]
    [Arguments("127.0.0.1", 200)]   // trusted proxy: the address two hops from the right is the client's (in range)
    [Arguments(null, 403)]          // untrusted: X-Forwarded-For is not believed, and depth finds no address
    public async Task IpAllowList_depth_reads_X_Forwarded_For_from_trusted_proxies_only(string? trusted, int status)
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware
        {
            IpAllowList = new() { SourceRange = ["192.0.2.0/24"], IpStrategy = new() { Depth = 2 } },
        }, "/", request: r => r.Headers["X-Forwarded-For"] = "198.51.100.7, 192.0.2.10, 203.0.113.1", trustedIps: trusted);
        await Assert.That(h.Status).IsEqualTo(status);
    }

    [Test]
    public async Task IpAllowList_excluded_ips_skip_known_proxies_from_the_right()
    {
        var h = await MiddlewareHarness.RunAsync(new Middleware
        {
            IpAllowList = new() { SourceRange = ["198.51.100.0/24"], IpStrategy = new() { ExcludedIps = ["203.0.113.0/24", "192.0.2.10"] } },
        }, "/", request: r => r.Headers["X-Forwarded-For"] = "198.51.100.7, 192.0.2.10, 203.0.113.1", trustedIps: "127.0.0.1");
        await Assert.That(h.Status).IsEqualTo(200);
    }

    [Test]
    public async Task IpAllowList_without_ranges_is_an_error()
    {
        await Assert.That(MiddlewareBuilder.Create(new Middleware { IpAllowList = new() }, out var error)).IsNull();
        await Assert.That(error).Contains("sourceRange is empty");
    }
}
