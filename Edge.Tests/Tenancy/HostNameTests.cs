using Edge.Providers.Kubernetes.Ingress.Tenancy;
using Edge.Tenancy;

namespace Edge.Tests.Tenancy;

/// <summary>
/// The normal form of a host (issue 20 item 3), the ownership table's one-label wildcard lookup,
/// and the allowed-hosts patterns, which read a wildcard the same way.
/// </summary>
public class HostNameTests
{
    [Test]
    [Arguments("app.example.com", "app.example.com")]
    [Arguments("App.EXAMPLE.com", "app.example.com")]
    [Arguments("app.example.com.", "app.example.com")]
    [Arguments("*.A.example.com.", "*.a.example.com")]
    [Arguments("bücher.example", "xn--bcher-kva.example")]
    [Arguments("*.bücher.example", "*.xn--bcher-kva.example")]
    [Arguments("1-2.example", "1-2.example")]
    [Arguments("localhost", "localhost")]
    public async Task Valid_hosts_have_one_normal_form(string raw, string normal) =>
        await Assert.That(HostName.Normalize(raw)).IsEqualTo(normal);

    [Test]
    [Arguments("a..example.com")]
    [Arguments("under_score.example.com")]
    [Arguments("-a.example.com")]
    [Arguments("a-.example.com")]
    [Arguments("*")]
    [Arguments("*.")]
    [Arguments("a.*.example.com")]
    [Arguments("*a.example.com")]
    [Arguments("**.example.com")]
    [Arguments("example.com:80")]
    [Arguments("a example.com")]
    [Arguments("app.example.com..")]
    [Arguments("10.0.0.1:8080")]
    public async Task Anything_the_API_server_would_refuse_is_not_a_name(string raw) =>
        await Assert.That(HostName.Normalize(raw)).IsNull();

    [Test]
    public async Task Label_and_name_length_limits_hold()
    {
        await Assert.That(HostName.Normalize(new string('a', 63) + ".example")).IsNotNull();
        await Assert.That(HostName.Normalize(new string('a', 64) + ".example")).IsNull();
        var name253 = string.Join('.', Enumerable.Repeat(new string('a', 62), 4)) + ".a";   // 4*63 + 1
        await Assert.That(name253.Length).IsEqualTo(253);
        await Assert.That(HostName.Normalize(name253)).IsNotNull();
        await Assert.That(HostName.Normalize(name253 + "a")).IsNull();
    }

    [Test]
    public async Task Ownership_prefers_the_exact_owner_and_a_wildcard_covers_one_label()
    {
        var o = new HostOwnership(
            new Dictionary<string, string> { ["app.a.example.com"] = "team-a" },
            new Dictionary<string, string> { ["a.example.com"] = "team-b", ["example.com"] = "team-c" });
        await Assert.That(o.OwnerOf("app.a.example.com")).IsEqualTo("team-a");
        await Assert.That(o.OwnerOf("APP.A.example.com.")).IsEqualTo("team-a");
        await Assert.That(o.OwnerOf("x.a.example.com")).IsEqualTo("team-b");
        await Assert.That(o.OwnerOf("a.example.com")).IsEqualTo("team-c");
        await Assert.That(o.OwnerOf("y.x.a.example.com")).IsNull();
        await Assert.That(o.OwnerOf("example.com")).IsNull();
        await Assert.That(o.OwnerOf("")).IsNull();
        await Assert.That(HostOwnership.MayServe("team-b", "team-a")).IsFalse();
        await Assert.That(HostOwnership.MayServe("team-a", "team-a")).IsTrue();
        await Assert.That(HostOwnership.MayServe(null, "team-a")).IsTrue();    // the operator's own routers
        await Assert.That(HostOwnership.MayServe("team-b", null)).IsTrue();    // nobody owns the host
    }

    [Test]
    public async Task Allowed_host_wildcards_admit_one_label_like_an_Ingress_wildcard()
    {
        var p = new HostPatterns(" *.B.example.com , b.example.com., bücher.example");
        await Assert.That(p.Allows("x.b.example.com")).IsTrue();
        await Assert.That(p.Allows("*.b.example.com")).IsTrue();
        await Assert.That(p.Allows("b.example.com")).IsTrue();
        await Assert.That(p.Allows("xn--bcher-kva.example")).IsTrue();
        await Assert.That(p.Allows("deep.y.b.example.com")).IsFalse();
        await Assert.That(p.Allows("*.y.b.example.com")).IsFalse();
        await Assert.That(p.Allows("evilb.example.com")).IsFalse();
        await Assert.That(p.Allows("*.example.com")).IsFalse();
    }
}
