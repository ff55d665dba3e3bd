namespace Edge.DataPlane.Routing.Rules;

public enum RuleNodeKind
{
    Matcher,
    And,
    Or,
    Not,
}
