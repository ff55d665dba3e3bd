namespace Edge.Routing;

public enum RuleNodeKind
{
    Matcher,
    And,
    Or,
    Not,
}
