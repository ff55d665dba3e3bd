using System.Diagnostics.CodeAnalysis;

namespace Edge.DataPlane.Routing.Rules;

/// <summary>Outcome of <see cref="RuleParser.Parse"/>: either a compiled rule or an error, never both.</summary>
public readonly struct RuleParseResult
{
    private RuleParseResult(CompiledRule? rule, RuleError? error)
    {
        Rule = rule;
        Error = error;
    }

    public CompiledRule? Rule { get; }

    public RuleError? Error { get; }

    [MemberNotNullWhen(true, nameof(Rule))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Rule is not null;

    public static RuleParseResult Ok(CompiledRule rule) => new(rule, null);

    public static RuleParseResult Fail(RuleError error) => new(null, error);
}
