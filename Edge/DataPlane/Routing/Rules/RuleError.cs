namespace Edge.DataPlane.Routing.Rules;

/// <summary>Why a router's rule was rejected. Position is a 0-based offset into <see cref="Rule"/>.</summary>
public sealed record RuleError(string RouterName, string Rule, int Position, string Message)
{
    public override string ToString() =>
        $"router \"{RouterName}\": invalid rule at column {Position + 1}: {Message} (rule: {Rule})";
}
