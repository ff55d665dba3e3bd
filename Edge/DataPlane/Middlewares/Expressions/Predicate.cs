using System.Globalization;

namespace Edge.DataPlane.Middlewares.Expressions;

/// <summary>What a function of the expression language gives: oxy's toInt / toFloat mappers, or a predicate.</summary>
internal enum ResultKind { Int, Float, Bool }

/// <summary>
/// One function of the language: its name, its parameters (true: an integer, false: a number) and,
/// given the literal arguments, what it reads from the context of one evaluation.
/// </summary>
internal sealed record PredicateFunction<T>(string Name, bool[] IntegerParameters, ResultKind Result, Func<double[], Func<T, double>> Bind);

/// <summary>
/// The expression language of Traefik's circuit breaker and buffering retryExpression (oxy's
/// cbreaker/predicates.go and buffer's retry predicate on vulcand/predicate, Go expression
/// syntax): function calls with literal arguments, compared with a literal by <c>==</c>,
/// <c>!=</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&lt;=</c>, <c>&gt;=</c>; predicates joined by
/// <c>&amp;&amp;</c> and <c>||</c> (&amp;&amp; binds tighter, as in Go) and grouped by parentheses.
/// Parsed once, when the middleware is built, into a delegate; as in oxy, the left of a comparison
/// is a function and the right a literal (an integer for an integer function), and the whole must
/// be a predicate (<c>NetworkErrorRatio()</c> alone is refused).
/// </summary>
internal static class Predicate
{
    public static Func<T, bool>? Parse<T>(string text, IReadOnlyList<PredicateFunction<T>> functions, out string? error)
    {
        error = null;
        try
        {
            var p = new Parser<T>(text, functions);
            var node = p.Or();
            p.End();
            if (node.Kind != ResultKind.Bool) throw new FormatException($"expected a predicate (a comparison or {string.Join("/", functions.Where(f => f.Result == ResultKind.Bool).Select(f => f.Name + "()").DefaultIfEmpty("&&, ||"))}), got a {Describe(node.Kind)}");
            return node.Predicate!;
        }
        catch (FormatException e)
        {
            error = $"cannot parse expression \"{text}\": {e.Message}";
            return null;
        }
    }

    private static string Describe(ResultKind k) => k switch { ResultKind.Int => "integer value", ResultKind.Float => "number", _ => "predicate" };

    /// <summary>A parsed operand: a predicate, or a function's value.</summary>
    private sealed record Node<T>(ResultKind Kind, Func<T, bool>? Predicate, Func<T, double>? Value);

    private sealed class Parser<T>(string text, IReadOnlyList<PredicateFunction<T>> functions)
    {
        private int _pos;

        public void End()
        {
            Skip();
            if (_pos < text.Length) throw new FormatException($"unexpected \"{text[_pos..]}\" at offset {_pos}");
        }

        public Node<T> Or()
        {
            var left = And();
            while (Eat("||"))
            {
                var (l, r) = (Bool(left, "||"), Bool(And(), "||"));
                left = new Node<T>(ResultKind.Bool, c => l(c) || r(c), null);
            }
            return left;
        }

        private Node<T> And()
        {
            var left = Comparison();
            while (Eat("&&"))
            {
                var (l, r) = (Bool(left, "&&"), Bool(Comparison(), "&&"));
                left = new Node<T>(ResultKind.Bool, c => l(c) && r(c), null);
            }
            return left;
        }

        private static Func<T, bool> Bool(Node<T> n, string op) =>
            n.Predicate ?? throw new FormatException($"{op} joins predicates, got a {Describe(n.Kind)}");

        private Node<T> Comparison()
        {
            var left = Primary();
            Skip();
            string? op = null;
            foreach (var candidate in new[] { "==", "!=", "<=", ">=", "<", ">" })
                if (Eat(candidate)) { op = candidate; break; }
            if (op is null) return left;
            if (left.Value is not { } value) throw new FormatException($"the left of {op} must be a function value, got a predicate");
            Skip();
            int at = _pos;
            if (!TryNumber(out var literal, out bool integer))
                throw new FormatException($"the right of {op} must be a number literal, at offset {at}");
            if (left.Kind == ResultKind.Int && !integer) throw new FormatException($"expected an integer after {op}, got {literal.ToString(CultureInfo.InvariantCulture)}");
            Func<T, bool> p = op switch
            {
                "==" => c => value(c) == literal,
                "!=" => c => value(c) != literal,
                "<" => c => value(c) < literal,
                ">" => c => value(c) > literal,
                "<=" => c => value(c) <= literal,
                _ => c => value(c) >= literal,
            };
            return new Node<T>(ResultKind.Bool, p, null);
        }

        private Node<T> Primary()
        {
            Skip();
            if (Eat("("))
            {
                var inner = Or();
                if (!Eat(")")) throw new FormatException($"missing ) at offset {_pos}");
                return inner;
            }
            int start = _pos;
            if (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] is '-' or '.'))
                throw new FormatException($"a comparison starts with a function, got a number at offset {_pos}");
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
            if (_pos == start)
                throw new FormatException(_pos < text.Length ? $"unexpected \"{text[_pos]}\" at offset {_pos}" : "unexpected end of expression");
            var name = text[start.._pos];
            var f = functions.FirstOrDefault(x => x.Name == name)
                ?? throw new FormatException($"unsupported function {name}, expected one of {string.Join(", ", functions.Select(x => x.Name))}");
            if (!Eat("(")) throw new FormatException($"{name} is a function: {name}(...)");
            var args = new List<double>();
            Skip();
            if (!Eat(")"))
            {
                do
                {
                    Skip();
                    int at = _pos;
                    if (!TryNumber(out var arg, out bool integer)) throw new FormatException($"{name}: arguments are number literals, at offset {at}");
                    if (args.Count < f.IntegerParameters.Length && f.IntegerParameters[args.Count] && !integer)
                        throw new FormatException($"{name}: argument {args.Count + 1} must be an integer");
                    args.Add(arg);
                } while (Eat(","));
                if (!Eat(")")) throw new FormatException($"missing ) after the arguments of {name}");
            }
            if (args.Count != f.IntegerParameters.Length)
                throw new FormatException($"{name} takes {f.IntegerParameters.Length} argument(s), got {args.Count}");
            var bound = f.Bind(args.ToArray());
            return f.Result == ResultKind.Bool
                ? new Node<T>(ResultKind.Bool, c => bound(c) != 0, null)
                : new Node<T>(f.Result, null, bound);
        }

        private bool TryNumber(out double value, out bool integer)
        {
            int start = _pos;
            if (_pos < text.Length && text[_pos] == '-') _pos++;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.')) _pos++;
            var s = text[start.._pos];
            integer = !s.Contains('.');
            if (s.Length > 0 && s != "-" && double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
                return true;
            _pos = start;
            value = 0;
            return false;
        }

        private void Skip()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private bool Eat(string token)
        {
            Skip();
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) != 0) return false;
            _pos += token.Length;
            return true;
        }
    }
}
