using System.Net;
using Edge.DataPlane.Tcp;

namespace Edge.Tests.DataPlane.Tcp;

/// <summary>TCP rules as Traefik's pkg/muxer/tcp matches them (matcher_test.go, mux_test.go cases).</summary>
public class TcpRuleTests
{
    private static TcpConnData Conn(string sni = "", string ip = "10.0.0.1", params string[] alpn) => new(sni, IPAddress.Parse(ip), alpn);

    public static IEnumerable<Func<(string Rule, string Sni, string Ip, string[] Alpn, bool Expected)>> Matches() =>
    [
        () => ("HostSNI(`foo.com`)", "foo.com", "10.0.0.1", [], true),
        () => ("HostSNI(`foo.com`)", "FOO.com", "10.0.0.1", [], true),
        () => ("HostSNI(`foo.com`)", "bar.com", "10.0.0.1", [], false),
        () => ("HostSNI(`foo.com`)", "", "10.0.0.1", [], false),
        () => ("HostSNI(`*`)", "", "10.0.0.1", [], true),
        () => ("HostSNI(`*.foo.com`)", "a.foo.com", "10.0.0.1", [], true),
        () => ("HostSNI(`*.foo.com`)", "a.b.foo.com", "10.0.0.1", [], false),
        () => ("HostSNI(`foo.com.`)", "foo.com", "10.0.0.1", [], true),
        () => ("HostSNIRegexp(`^[a-z]+\\.foo\\.com$`)", "abc.foo.com", "10.0.0.1", [], true),
        () => ("HostSNIRegexp(`^[a-z]+\\.foo\\.com$`)", "a1.foo.com", "10.0.0.1", [], false),
        () => ("ClientIP(`10.0.0.0/8`)", "", "10.1.2.3", [], true),
        () => ("ClientIP(`10.0.0.0/8`)", "", "192.168.1.1", [], false),
        () => ("ClientIP(`::1`)", "", "::1", [], true),
        () => ("ALPN(`h2`)", "x", "10.0.0.1", ["http/1.1", "h2"], true),
        () => ("ALPN(`h2`)", "x", "10.0.0.1", ["http/1.1"], false),
        () => ("HostSNI(`foo.com`) && !ClientIP(`10.0.0.1`)", "foo.com", "10.0.0.1", [], false),
        () => ("HostSNI(`foo.com`) || ClientIP(`10.0.0.1`)", "bar.com", "10.0.0.1", [], true),
    ];

    [Test]
    [MethodDataSource(nameof(Matches))]
    public async Task A_rule_matches_what_Traefik_matches(string rule, string sni, string ip, string[] alpn, bool expected)
    {
        var compiled = TcpRule.Compile(rule, v2: false, out var error);
        await Assert.That(error).IsNull();
        await Assert.That(compiled!.Matches(Conn(sni, ip, alpn))).IsEqualTo(expected);
    }

    [Test]
    public async Task The_v2_syntax_takes_several_values()
    {
        var rule = TcpRule.Compile("HostSNI(`a.com`, `b.com`)", v2: true, out var error)!;
        await Assert.That(error).IsNull();
        await Assert.That(rule.Matches(Conn("b.com"))).IsTrue();
        await Assert.That(TcpRule.Compile("HostSNI(`a.com`, `b.com`)", v2: false, out error)).IsNull();
        await Assert.That(error).IsEqualTo("error while adding rule HostSNI(`a.com`, `b.com`): unexpected number of parameters; got 2, expected 1");
    }

    [Test]
    public async Task Bad_values_are_refused_with_Traefik_texts()
    {
        await Assert.That(TcpRule.Compile("HostSNI(`foo bar`)", false, out var e1)).IsNull();
        await Assert.That(e1).Contains("invalid value for HostSNI matcher, \"foo bar\" is not a valid hostname");
        await Assert.That(TcpRule.Compile("ALPN(`acme-tls/1`)", false, out var e2)).IsNull();
        await Assert.That(e2).Contains("invalid protocol value for ALPN matcher, \"acme-tls/1\" is not allowed");
        await Assert.That(TcpRule.Compile("Host(`foo.com`)", false, out var e3)).IsNull();
        await Assert.That(e3).Contains("unsupported function: Host");
    }

    [Test]
    public async Task The_catch_all_has_priority_minus_one_and_other_rules_their_length()
    {
        await Assert.That(TcpRule.DefaultPriority("HostSNI(`*`)")).IsEqualTo(-1);
        await Assert.That(TcpRule.DefaultPriority("HostSNI(`foo.com`)")).IsEqualTo("HostSNI(`foo.com`)".Length);
        await Assert.That(TcpRule.Compile("HostSNI(`*`)", false, out _)!.IsCatchAll).IsTrue();
        await Assert.That(TcpRule.Compile("HostSNI(`*`) && ClientIP(`1.2.3.4`)", false, out _)!.IsCatchAll).IsFalse();
    }
}
