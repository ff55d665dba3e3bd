using Edge.DataPlane.Routing.Rules;

namespace Edge.Tests.DataPlane.Routing.Rules;

public class RuleParserTests
{
    private static string Tree(string rule)
    {
        bool ok = RuleParser.TryParseTree(rule, out RuleNode? tree, out _, out string? error);
        return ok ? tree!.ToString() : "error: " + error;
    }

    private static RuleError Error(string rule, RuleSyntax syntax = RuleSyntax.V3)
    {
        RuleParseResult r = RuleParser.Parse("my-router", rule, syntax);
        return r.Error ?? throw new InvalidOperationException("expected a parse error for " + rule);
    }

    [Test]
    [Arguments("Host(`a`) || Path(`/b`) && Method(`GET`)", "(Host(`a`) || (Path(`/b`) && Method(`GET`)))")]
    [Arguments("Host(`a`) && Path(`/b`) || Method(`GET`)", "((Host(`a`) && Path(`/b`)) || Method(`GET`))")]
    [Arguments("(Host(`a`) || Path(`/b`)) && Method(`GET`)", "((Host(`a`) || Path(`/b`)) && Method(`GET`))")]
    [Arguments("!Host(`a`) && Path(`/b`)", "(!Host(`a`) && Path(`/b`))")]
    [Arguments("!(Host(`a`) && Path(`/b`))", "!(Host(`a`) && Path(`/b`))")]
    [Arguments("!!Host(`a`)", "!!Host(`a`)")]
    [Arguments("A(`1`) && B(`2`) && C(`3`)", "((A(`1`) && B(`2`)) && C(`3`))")]
    [Arguments("A(`1`) || B(`2`) || C(`3`)", "((A(`1`) || B(`2`)) || C(`3`))")]
    [Arguments("  Host ( `a` , `b` , )  ", "Host(`a`, `b`)")]
    [Arguments("Host(`a`) &&\n\tPath(`/`)", "(Host(`a`) && Path(`/`))")]
    public async Task Precedence_and_grouping(string rule, string expected)
    {
        await Assert.That(Tree(rule)).IsEqualTo(expected);
    }

    [Test]
    [Arguments("Path(\"/a\\tb\")", "/a\tb")]
    [Arguments("Path(\"/\\x41\\101\\u00e9\\U0001F600\")", "/AAé😀")]
    [Arguments("Path(\"/\\xc3\\xa9\")", "/é")]
    [Arguments("Path(\"/q\\\"uote\\\\\")", "/q\"uote\\")]
    [Arguments("Path(`/raw\\n\"`)", "/raw\\n\"")]
    public async Task String_literals_follow_Go(string rule, string expectedArg)
    {
        RuleParser.TryParseTree(rule, out RuleNode? tree, out _, out _);
        await Assert.That(tree!.Args[0]).IsEqualTo(expectedArg);
    }

    [Test]
    [Arguments("Host(`a`")]
    [Arguments("Host(`a`))")]
    [Arguments("Host(`a`) &&")]
    [Arguments("Host(`a`) & Path(`/`)")]
    [Arguments("Host")]
    [Arguments("Host('a')")]
    [Arguments("Host(a)")]
    [Arguments("Host(`a` `b`)")]
    [Arguments("Host(\"a)")]
    [Arguments("Host(\"\\q\")")]
    [Arguments("Host(\"\\400\")")]
    [Arguments("Host(\"\\uD800\")")]
    [Arguments("(Host(`a`)")]
    [Arguments("")]
    [Arguments("   ")]
    public async Task Syntax_errors_are_reported(string rule)
    {
        RuleError e = Error(rule);
        await Assert.That(e.RouterName).IsEqualTo("my-router");
        await Assert.That(e.Position).IsGreaterThanOrEqualTo(0);
        await Assert.That(e.Position).IsLessThanOrEqualTo(rule.Length);
        await Assert.That(e.ToString()).Contains("router \"my-router\"");
    }

    [Test]
    [Arguments(100_000)]
    public async Task Pathological_nesting_is_an_error_not_a_crash(int n)
    {
        await Assert.That(Error(new string('(', n) + "Host(`a`)" + new string(')', n)).Message).Contains("nested");
        await Assert.That(Error(new string('!', n) + "Host(`a`)").Message).Contains("nested");
        string chain = string.Join(" && ", Enumerable.Repeat("Host(`a`)", n));
        await Assert.That(Error(chain).Message).Contains("nested");
        await Assert.That(RuleParser.Parse("r", string.Join(" || ", Enumerable.Repeat("Host(`a`)", 400))).Success).IsTrue();
    }

    [Test]
    public async Task Error_points_at_the_offending_column()
    {
        RuleError e = Error("Host(`a`) && Pth(`/x`)");
        await Assert.That(e.Position).IsEqualTo(13);
        await Assert.That(e.Message).Contains("unknown matcher Pth");
        await Assert.That(e.ToString()).Contains("column 14");

        e = Error("Host(`a`) && Path(`/x` `/y`)");
        await Assert.That(e.Position).IsEqualTo(23);
    }

    [Test]
    [Arguments("Host(`a`, `b`)", "unexpected number of parameters")]
    [Arguments("Host()", "no args for matcher Host")]
    [Arguments("Path(``)", "empty args for matcher Path")]
    [Arguments("Path(`nope`)", "does not start with a '/'")]
    [Arguments("PathPrefix(`nope`)", "does not start with a '/'")]
    [Arguments("Header(`X`)", "unexpected number of parameters")]
    [Arguments("Query(`a`, `b`, `c`)", "unexpected number of parameters")]
    [Arguments("PathRegexp(`(`)", "invalid regular expression")]
    [Arguments("PathRegexp(`(?=x)`)", "RE2")]
    [Arguments("PathRegexp(`(a)\\1`)", "RE2")]
    [Arguments("Host(`🦭.com`)", "non-ASCII")]
    [Arguments("HostRegexp(`🦭.com`)", "non-ASCII")]
    [Arguments("ClientIP(`10.0.0.0/33`)", "CIDR")]
    [Arguments("ClientIP(`010.0.0.1`)", "invalid IP")]
    [Arguments("ClientIP(`fe80::1%eth0`)", "invalid IP")]
    [Arguments("Headers(`X`, `y`)", "unknown matcher Headers")]
    [Arguments("hOsT(`a`)", "unknown matcher hOsT")]
    public async Task V3_semantic_errors(string rule, string message)
    {
        await Assert.That(Error(rule).Message).Contains(message);
    }

    [Test]
    [Arguments("Host(`a`)")]
    [Arguments("host(`a`)")]
    [Arguments("HOST(`a`)")]
    [Arguments("Hostregexp(`a`)")]
    [Arguments("HOSTREGEXP(`a`)")]
    [Arguments("clientip(`1.2.3.4`)")]
    public async Task Matcher_names_accept_Traefiks_four_spellings(string rule)
    {
        await Assert.That(RuleParser.Parse("r", rule).Success).IsTrue();
    }

    [Test]
    [Arguments("Host(`a`, `b`)")]
    [Arguments("HostHeader(`a`)")]
    [Arguments("HostRegexp(`{sub:[a-z]+}.example.com`, `example.org`)")]
    [Arguments("PathPrefix(`/a`, `/b/{id:[0-9]+}`)")]
    [Arguments("Method(`GET`, `post`)")]
    [Arguments("Headers(`X-A`, `1`, `X-B`, `2`)")]
    [Arguments("HeadersRegexp(`X-A`, `^[0-9]+$`)")]
    [Arguments("Query(`a=1`, `b=`)")]
    [Arguments("Query(`a`, `b`)")]
    [Arguments("ClientIP(`10.0.0.0/8`, `::1`)")]
    public async Task V2_rules_parse(string rule)
    {
        RuleParseResult r = RuleParser.Parse("r", rule, RuleSyntax.V2);
        await Assert.That(r.Error?.ToString()).IsNull();
        await Assert.That(r.Rule!.Syntax).IsEqualTo(RuleSyntax.V2);
    }

    [Test]
    [Arguments("Headers(`X-A`)", "multiple of 2")]
    [Arguments("Query(`a`)", "multiple of 2")]
    [Arguments("Query(`a=1`, `b`)", "multiple of 2")]
    [Arguments("HostRegexp(`{sub:[a-z]+.example.com`)", "unbalanced braces")]
    [Arguments("HostRegexp(`{:[a-z]+}.example.com`)", "missing name or pattern")]
    [Arguments("Path(`/a/{id:(}`)", "invalid regular expression")]
    [Arguments("PathRegexp(`/a`)", "unknown matcher PathRegexp")]
    [Arguments("Header(`X`, `y`)", "unknown matcher Header")]
    public async Task V2_semantic_errors(string rule, string message)
    {
        await Assert.That(Error(rule, RuleSyntax.V2).Message).Contains(message);
    }

    [Test]
    public async Task Syntax_selection_follows_router_ruleSyntax()
    {
        await Assert.That(RuleParser.ResolveSyntax(null)).IsEqualTo(RuleSyntax.V3);
        await Assert.That(RuleParser.ResolveSyntax("", RuleSyntax.V2)).IsEqualTo(RuleSyntax.V2);
        await Assert.That(RuleParser.ResolveSyntax("v2")).IsEqualTo(RuleSyntax.V2);
        await Assert.That(RuleParser.ResolveSyntax("v3", RuleSyntax.V2)).IsEqualTo(RuleSyntax.V3);
        await Assert.That(RuleParser.ResolveSyntax("V2")).IsEqualTo(RuleSyntax.V3);
    }

    [Test]
    public async Task Default_priority_is_rule_length_in_bytes()
    {
        await Assert.That(CompiledRule.DefaultPriority("Host(`a`)")).IsEqualTo(9);
        await Assert.That(CompiledRule.DefaultPriority("Path(`/é`)")).IsEqualTo(11);
    }
}
