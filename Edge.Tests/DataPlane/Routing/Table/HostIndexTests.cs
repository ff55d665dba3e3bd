using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Routing.Table;

namespace Edge.Tests.DataPlane.Routing.Table;

public class HostIndexTests
{
    private static string Keys(string rule, RuleSyntax syntax = RuleSyntax.V3)
    {
        RuleParseResult r = RuleParser.Parse("t", rule, syntax);
        HostIndexKeys? keys = HostIndexKeys.Analyze(r.Rule!.Root);
        return keys is null
            ? "fallback"
            : $"exact[{string.Join(",", keys.Exact)}] suffix[{string.Join(",", keys.Suffixes)}]";
    }

    [Test]
    [Arguments("Host(`A.com`)", "exact[a.com] suffix[]")]
    [Arguments("Host(`a.com.`) && Path(`/x`)", "exact[a.com] suffix[]")]
    [Arguments("Path(`/x`) && Host(`a.com`)", "exact[a.com] suffix[]")]
    [Arguments("Host(`a.com`) || Host(`b.com`)", "exact[a.com,b.com] suffix[]")]
    [Arguments("Host(`a.com`) || Path(`/x`)", "fallback")]
    [Arguments("!Host(`a.com`)", "fallback")]
    [Arguments("Host(`*`)", "fallback")]
    [Arguments("Host(`*.a.com`)", "exact[] suffix[a.com]")]
    [Arguments("Host(`*.`)", "fallback")]
    [Arguments("Host(`*.a.com`) && Host(`x.a.com`)", "exact[x.a.com] suffix[]")]
    [Arguments("HostRegexp(`^[a-z0-9-]+\\.example\\.com$`)", "exact[] suffix[example.com]")]
    [Arguments("HostRegexp(`^(?:www\\.)?example\\.com$`)", "exact[] suffix[com]")]
    [Arguments("HostRegexp(`^example\\.com$`)", "exact[example.com] suffix[]")]
    [Arguments("HostRegexp(`\\dexample\\.com$`)", "exact[] suffix[com]")]
    [Arguments("HostRegexp(`example\\.com`)", "fallback")]
    [Arguments("HostRegexp(`^a\\.com$|^b\\.com$`)", "fallback")]
    [Arguments("HostRegexp(`(?m)^a\\.com$`)", "fallback")]
    [Arguments("HostRegexp(`\\\\.com$`)", "fallback")]
    [Arguments("HostRegexp(`com\\$`)", "fallback")]
    public async Task V3_rules(string rule, string expected)
    {
        await Assert.That(Keys(rule)).IsEqualTo(expected);
    }

    [Test]
    [Arguments("Host(`a.com`, `b.com`)", "exact[a.com,b.com] suffix[]")]
    [Arguments("Host(`*.a.com`)", "exact[*.a.com] suffix[]")]
    [Arguments("HostRegexp(`{sub:[a-z]+}.example.com`)", "exact[] suffix[example.com]")]
    [Arguments("HostRegexp(`example.com`)", "exact[example.com] suffix[]")]
    [Arguments("HostRegexp(`example.com:8080`)", "fallback")]
    [Arguments("HostRegexp(`{sub:(?:a\\.)?}example.com`)", "fallback")]
    [Arguments("HostRegexp(`{any:.*}`)", "fallback")]
    public async Task V2_rules(string rule, string expected)
    {
        await Assert.That(Keys(rule, RuleSyntax.V2)).IsEqualTo(expected);
    }

    [Test]
    public async Task Default_request_is_safe_to_match()
    {
        RouteTable t = RouteTable.Compile(
            [("r", new Edge.Model.Router { Rule = "PathPrefix(`/`) || Host(`a.com`)" })], "web", false).Table;
        await Assert.That(t.Match(default)).IsNull();
        await Assert.That(t.Match(new RouteRequest("", "/"))?.Name).IsEqualTo("r");
    }
}
