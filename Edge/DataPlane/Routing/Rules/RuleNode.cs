using Edge.GoCompat;
namespace Edge.DataPlane.Routing.Rules;

/// <summary>
/// Syntax tree of a rule, before matcher names are bound to a dialect. Kept public because other
/// components (e.g. TLS domain discovery, Traefik's ParseDomains) need to walk the Host calls.
/// </summary>
public sealed class RuleNode
{
    private RuleNode(RuleNodeKind kind, int position, string name, string[] args, RuleNode? left, RuleNode? right)
    {
        Kind = kind;
        Position = position;
        Name = name;
        ArgArray = args;
        Left = left;
        Right = right;
        Depth = 1 + Math.Max(left?.Depth ?? 0, right?.Depth ?? 0);
    }

    public RuleNodeKind Kind { get; }

    /// <summary>0-based offset of the node's first character in the rule text.</summary>
    public int Position { get; }

    /// <summary>Matcher name as written (only for <see cref="RuleNodeKind.Matcher"/>).</summary>
    public string Name { get; }

    /// <summary>Unquoted string arguments (only for <see cref="RuleNodeKind.Matcher"/>).</summary>
    public IReadOnlyList<string> Args => ArgArray;

    internal string[] ArgArray { get; }

    /// <summary>Left operand of And/Or, operand of Not.</summary>
    public RuleNode? Left { get; }

    public RuleNode? Right { get; }

    /// <summary>Height of the tree; the parser bounds it because binding and matching recurse over it.</summary>
    public int Depth { get; }

    public static RuleNode Matcher(int position, string name, string[] args) =>
        new(RuleNodeKind.Matcher, position, name, args, null, null);

    public static RuleNode And(RuleNode left, RuleNode right) =>
        new(RuleNodeKind.And, left.Position, "", [], left, right);

    public static RuleNode Or(RuleNode left, RuleNode right) =>
        new(RuleNodeKind.Or, left.Position, "", [], left, right);

    public static RuleNode Not(int position, RuleNode operand) =>
        new(RuleNodeKind.Not, position, "", [], operand, null);

    /// <summary>Canonical text with full parenthesisation: handy to assert precedence in tests.</summary>
    public override string ToString() => Kind switch
    {
        RuleNodeKind.And => $"({Left} && {Right})",
        RuleNodeKind.Or => $"({Left} || {Right})",
        RuleNodeKind.Not => $"!{Left}",
        _ => $"{Name}({string.Join(", ", Args.Select(Quote))})",
    };

    /// <summary>
    /// A Go string literal that reads back as <paramref name="arg"/>: backquoted when it can be
    /// (a raw string cannot hold a backquote, and Go drops carriage returns from one), else
    /// double-quoted with escapes. Found by fuzzing the parser against its own output.
    /// </summary>
    public static string Quote(string arg) =>
        arg.Contains('`') || arg.Contains('\r') ? GoString.Quote(arg) : "`" + arg + "`";
}
