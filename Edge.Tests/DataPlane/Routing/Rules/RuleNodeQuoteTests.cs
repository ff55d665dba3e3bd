using Edge.DataPlane.Routing.Rules;

namespace Edge.Tests.DataPlane.Routing.Rules;

/// <summary>RuleNode's canonical text must parse back to the same arguments (found by fuzzing: backquote and CR).</summary>
public class RuleNodeQuoteTests
{
    [Test]
    [Arguments("/plain")]
    [Arguments("/with`backquote")]
    [Arguments("/with\rcarriage-return")]
    [Arguments("/both`and\r\n\"quotes\" \\ and \t tab")]
    [Arguments("/ünïcode`")]
    [Arguments("/control\u0001char`")]
    public async Task Canonical_text_round_trips(string arg)
    {
        var rule = RuleNode.Matcher(0, "Path", [arg]).ToString();
        bool ok = RuleParser.TryParseTree(rule, out RuleNode? tree, out _, out string? error);
        await Assert.That(ok).IsTrue().Because($"{rule}: {error}");
        await Assert.That(tree!.Args.Single()).IsEqualTo(arg);
        await Assert.That(tree.ToString()).IsEqualTo(rule);
    }
}
