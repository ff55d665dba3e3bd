using System.Text;
using System.Text.RegularExpressions;

namespace Edge.GoCompat;

/// <summary>
/// Go (RE2) regular expressions on .NET. The syntaxes mostly agree; the differences that change
/// results are rewritten: (?P&lt;name&gt;), ASCII-only \d \w \s, '$' meaning end of text, \pL,
/// POSIX classes and \Q..\E. Every regex runs with NonBacktracking: RE2 has no backtracking
/// constructs, so anything .NET refuses in that mode is also invalid in Go, and rules coming from
/// annotations cannot trigger catastrophic backtracking.
/// </summary>
internal static class GoRegex
{
    private const string Digit = "0-9";
    private const string Word = "0-9A-Za-z_";
    private const string Space = "\\t\\n\\f\\r ";

    public static bool TryCreate(string goPattern, bool ignoreCase, out Regex? regex, out string? error) =>
        TryCreateTranslated(Translate(goPattern), ignoreCase, out regex, out error);

    public static bool TryCreateTranslated(string dotnetPattern, bool ignoreCase, out Regex? regex, out string? error)
    {
        var options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;
        if (ignoreCase)
        {
            options |= RegexOptions.IgnoreCase;
        }

        try
        {
            regex = new Regex(dotnetPattern, options);
            error = null;
            return true;
        }
        catch (NotSupportedException)
        {
            regex = null;
            error = "regular expression uses a construct that Go's RE2 syntax does not support (backreference, lookaround, atomic group or conditional)";
            return false;
        }
        catch (ArgumentException e)
        {
            regex = null;
            error = "invalid regular expression: " + e.Message;
            return false;
        }
    }

    public static string Translate(string go)
    {
        bool multiline = HasMultilineFlag(go);
        var sb = new StringBuilder(go.Length + 16);
        bool inClass = false;
        for (int i = 0; i < go.Length; i++)
        {
            char c = go[i];
            if (c == '\\' && i + 1 < go.Length)
            {
                i = TranslateEscape(go, i, inClass, sb);
                continue;
            }

            if (inClass)
            {
                if (c == '[' && i + 1 < go.Length && go[i + 1] == ':')
                {
                    int close = go.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    string? posix = close < 0 ? null : Posix(go[(i + 2)..close]);
                    if (posix is not null)
                    {
                        sb.Append(posix);
                        i = close + 1;
                        continue;
                    }
                }

                if (c == '[')
                {
                    // A literal '[' inside a class: .NET would read "[a-[b]]" as class subtraction.
                    sb.Append("\\[");
                    continue;
                }

                if (c == ']')
                {
                    inClass = false;
                }

                sb.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append('[');
                    if (i + 1 < go.Length && go[i + 1] == '^')
                    {
                        sb.Append('^');
                        i++;
                    }

                    if (i + 1 < go.Length && go[i + 1] == ']')
                    {
                        // In Go a ']' right after '[' or '[^' is a literal.
                        sb.Append("\\]");
                        i++;
                    }

                    break;
                case '(' when string.CompareOrdinal(go, i, "(?P<", 0, 4) == 0:
                    sb.Append("(?<");
                    i += 3;
                    break;
                case '$' when !multiline:
                    // Go's '$' only matches at the very end; .NET's also matches before a final '\n'.
                    sb.Append("\\z");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    private static int TranslateEscape(string go, int i, bool inClass, StringBuilder sb)
    {
        char e = go[i + 1];
        switch (e)
        {
            case 'd': sb.Append(inClass ? Digit : "[" + Digit + "]"); return i + 1;
            case 'w': sb.Append(inClass ? Word : "[" + Word + "]"); return i + 1;
            case 's': sb.Append(inClass ? Space : "[" + Space + "]"); return i + 1;
            case 'D' when !inClass: sb.Append("[^" + Digit + "]"); return i + 1;
            case 'W' when !inClass: sb.Append("[^" + Word + "]"); return i + 1;
            case 'S' when !inClass: sb.Append("[^" + Space + "]"); return i + 1;
            case 'p' or 'P' when i + 2 < go.Length && char.IsAsciiLetter(go[i + 2]):
                sb.Append('\\').Append(e).Append('{').Append(go[i + 2]).Append('}');
                return i + 2;
            case 'Q':
                {
                    int end = go.IndexOf("\\E", i + 2, StringComparison.Ordinal);
                    string literal = end < 0 ? go[(i + 2)..] : go[(i + 2)..end];
                    sb.Append(Regex.Escape(literal));

                    return end < 0 ? go.Length : end + 1;
                }

            default:
                sb.Append('\\').Append(e);
                return i + 1;
        }
    }

    private static string? Posix(string name) => name switch
    {
        "alnum" => "0-9A-Za-z",
        "alpha" => "A-Za-z",
        "ascii" => "\\x00-\\x7F",
        "blank" => "\\t ",
        "cntrl" => "\\x00-\\x1F\\x7F",
        "digit" => "0-9",
        "graph" => "!-~",
        "lower" => "a-z",
        "print" => " -~",
        "punct" => "!-/:-@\\[-`{-~",
        "space" => "\\t\\n\\v\\f\\r ",
        "upper" => "A-Z",
        "word" => Word,
        "xdigit" => "0-9A-Fa-f",
        _ => null,
    };

    /// <summary>True when a flag group such as (?m) or (?im:...) turns multi-line mode on.</summary>
    internal static bool HasMultilineFlag(string go)
    {
        for (int i = go.IndexOf("(?", StringComparison.Ordinal); i >= 0; i = go.IndexOf("(?", i + 2, StringComparison.Ordinal))
        {
            for (int j = i + 2; j < go.Length; j++)
            {
                char f = go[j];
                if (f == 'm')
                {
                    return true;
                }

                if (!char.IsAsciiLetter(f) && f != '-')
                {
                    break;
                }
            }
        }

        return false;
    }
}
