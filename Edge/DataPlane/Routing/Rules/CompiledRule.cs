using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Rules.Matchers;

namespace Edge.DataPlane.Routing.Rules;

/// <summary>A parsed and bound rule: immutable, thread-safe, evaluated without allocating.</summary>
public sealed class CompiledRule
{
    internal CompiledRule(string text, RuleSyntax syntax, RuleNode syntaxTree, RequestMatcher root)
    {
        Text = text;
        Syntax = syntax;
        SyntaxTree = syntaxTree;
        Root = root;
    }

    public string Text { get; }

    public RuleSyntax Syntax { get; }

    public RuleNode SyntaxTree { get; }

    public RequestMatcher Root { get; }

    public bool Matches(in RouteRequest request) => Root.Matches(request);

    private HostIndexKeys? _hostKeys;
    private bool _hostKeysDone;

    /// <summary>
    /// The route table's host index keys, computed once per rule: <see cref="RuleCache"/> shares a
    /// compiled rule across tables and configuration generations. Races only compute it twice.
    /// </summary>
    internal HostIndexKeys? HostKeys
    {
        get
        {
            if (!Volatile.Read(ref _hostKeysDone))
            {
                _hostKeys = HostIndexKeys.Analyze(Root);
                Volatile.Write(ref _hostKeysDone, true);
            }
            return _hostKeys;
        }
    }

    /// <summary>
    /// Traefik's default priority: the length of the rule in bytes (Go's len on a UTF-8 string).
    /// </summary>
    public static long DefaultPriority(string rule) => System.Text.Encoding.UTF8.GetByteCount(rule);
}
