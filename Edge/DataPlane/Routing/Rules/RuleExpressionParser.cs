using Edge.GoCompat;
namespace Edge.DataPlane.Routing.Rules;

/// <summary>
/// Recursive-descent parser for the expression language Traefik accepts (a subset of Go expressions,
/// as parsed by vulcand/predicate): calls with string arguments combined by !, &&, || and
/// parentheses, with Go precedence (! over && over ||). Dialect-agnostic: names are bound later.
/// </summary>
internal sealed class RuleExpressionParser
{
    /// <summary>
    /// Rules can come from user-controlled annotations; a bound on nesting and tree height keeps
    /// the recursive parser, binder and matchers far from a (fatal) stack overflow.
    /// </summary>
    internal const int MaxDepth = 500;

    private readonly string _text;
    private int _nesting;
    private int _pos;
    private string? _error;
    private int _errorPos;

    private RuleExpressionParser(string text) => _text = text;

    public static bool TryParse(string text, out RuleNode? node, out int errorPos, out string? error)
    {
        var p = new RuleExpressionParser(text);
        node = p.ParseOr();
        if (node is not null)
        {
            p.SkipSpace();
            if (p._pos < text.Length)
            {
                p.Fail(p._pos, $"unexpected {p.Describe()} after end of expression");
                node = null;
            }
        }

        errorPos = p._errorPos;
        error = p._error;
        return node is not null;
    }

    private RuleNode? ParseOr()
    {
        RuleNode? left = ParseAnd();
        while (left is not null && TryOperator("||"))
        {
            RuleNode? right = ParseAnd();
            left = right is null ? null : Checked(RuleNode.Or(left, right));
        }

        return left;
    }

    private RuleNode? ParseAnd()
    {
        RuleNode? left = ParseUnary();
        while (left is not null && TryOperator("&&"))
        {
            RuleNode? right = ParseUnary();
            left = right is null ? null : Checked(RuleNode.And(left, right));
        }

        return left;
    }

    private RuleNode? ParseUnary()
    {
        SkipSpace();
        if (Peek() == '!')
        {
            int at = _pos++;
            if (++_nesting > MaxDepth)
            {
                return Fail(at, $"rule is nested more than {MaxDepth} levels deep");
            }

            RuleNode? operand = ParseUnary();
            _nesting--;
            return operand is null ? null : Checked(RuleNode.Not(at, operand));
        }

        return ParsePrimary();
    }

    private RuleNode? ParsePrimary()
    {
        SkipSpace();
        int start = _pos;
        char c = Peek();
        if (c == '(')
        {
            _pos++;
            if (++_nesting > MaxDepth)
            {
                return Fail(start, $"rule is nested more than {MaxDepth} levels deep");
            }

            RuleNode? inner = ParseOr();
            _nesting--;
            if (inner is null)
            {
                return null;
            }

            SkipSpace();
            if (Peek() != ')')
            {
                return Fail(_pos, $"expected ')' to close '(' at column {start + 1}, found {Describe()}");
            }

            _pos++;
            return inner;
        }

        if (!IsIdentStart(c))
        {
            return Fail(_pos, $"expected a matcher, '(' or '!', found {Describe()}");
        }

        while (_pos < _text.Length && IsIdentPart(_text[_pos]))
        {
            _pos++;
        }

        string name = _text[start.._pos];
        SkipSpace();
        if (Peek() != '(')
        {
            return Fail(_pos, $"expected '(' after matcher name {name}, found {Describe()}");
        }

        _pos++;
        string[]? args = ParseArguments();
        return args is null ? null : RuleNode.Matcher(start, name, args);
    }

    private string[]? ParseArguments()
    {
        var args = new List<string>();
        while (true)
        {
            SkipSpace();
            char c = Peek();
            if (c == ')')
            {
                _pos++;
                return [.. args];
            }

            if (c is '`' or '"')
            {
                if (!GoString.TryRead(_text, _pos, out string value, out int end, out string? err, out int errPos))
                {
                    Fail(errPos, err!);
                    return null;
                }

                args.Add(value);
                _pos = end;
            }
            else if (c == '\'')
            {
                Fail(_pos, "arguments must be quoted with backticks or double quotes, not single quotes");
                return null;
            }
            else
            {
                Fail(_pos, $"expected a string argument or ')', found {Describe()}");
                return null;
            }

            SkipSpace();
            c = Peek();
            if (c == ',')
            {
                // Go accepts a trailing comma before ')', so does Traefik.
                _pos++;
            }
            else if (c != ')')
            {
                Fail(_pos, $"expected ',' or ')' after argument, found {Describe()}");
                return null;
            }
        }
    }

    private RuleNode? Checked(RuleNode node) =>
        node.Depth > MaxDepth ? Fail(node.Position, $"rule has more than {MaxDepth} nested operators") : node;

    private bool TryOperator(string op)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) == 0)
        {
            _pos += op.Length;
            return true;
        }

        return false;
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\r' or '\n')
        {
            _pos++;
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private string Describe() => _pos >= _text.Length ? "end of rule" : $"'{_text[_pos]}'";

    private RuleNode? Fail(int pos, string message)
    {
        // Keep the first (innermost) error: it is the one closest to the actual mistake.
        if (_error is null)
        {
            _error = message;
            _errorPos = Math.Min(pos, _text.Length);
        }

        return null;
    }

    private static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsIdentPart(char c) => char.IsLetterOrDigit(c) || c == '_';
}
