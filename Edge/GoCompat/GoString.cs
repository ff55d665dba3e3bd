using System.Text;

namespace Edge.GoCompat;

/// <summary>
/// Go string literals, which is what Traefik's rule parser (go/parser + strconv.Unquote) accepts as
/// matcher arguments: raw `...` strings and "..." strings with Go escapes. Reading, and quoting.
/// </summary>
internal static class GoString
{
    /// <summary>Go's strconv.Quote for the strings rules carry: a "..." literal that reads back as <paramref name="s"/>.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Reads the literal starting at <paramref name="start"/> (on its opening quote).
    /// Returns false with an error message and the offset of the offending character.
    /// </summary>
    public static bool TryRead(string text, int start, out string value, out int end, out string? error, out int errorPos)
    {
        value = "";
        error = null;
        errorPos = start;
        char quote = text[start];
        int i = start + 1;

        if (quote == '`')
        {
            int close = text.IndexOf('`', i);
            if (close < 0)
            {
                end = text.Length;
                error = "raw string literal not terminated";
                return false;
            }

            // Go discards carriage returns inside raw strings.
            value = text[i..close].Replace("\r", "", StringComparison.Ordinal);
            end = close + 1;
            return true;
        }

        // Escapes such as \xff produce bytes, not characters: collect UTF-8 and decode at the end.
        var bytes = new List<byte>(text.Length - start);
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (i >= text.Length || text[i] == '\n')
            {
                end = i;
                errorPos = i;
                error = "string literal not terminated";
                return false;
            }

            char c = text[i];
            if (c == '"')
            {
                end = i + 1;
                value = Encoding.UTF8.GetString(bytes.ToArray());
                return true;
            }

            if (c != '\\')
            {
                int n = char.IsSurrogatePair(text, i)
                    ? new Rune(text[i], text[i + 1]).EncodeToUtf8(utf8)
                    : (Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar).EncodeToUtf8(utf8);
                for (int k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }

                i += char.IsSurrogatePair(text, i) ? 2 : 1;
                continue;
            }

            errorPos = i;
            if (!TryEscape(text, ref i, bytes, utf8, out error))
            {
                end = i;
                return false;
            }
        }
    }

    private static bool TryEscape(string text, ref int i, List<byte> bytes, Span<byte> utf8, out string? error)
    {
        error = null;
        if (i + 1 >= text.Length)
        {
            error = "escape sequence not terminated";
            return false;
        }

        char e = text[i + 1];
        i += 2;
        switch (e)
        {
            case 'a': bytes.Add(7); return true;
            case 'b': bytes.Add(8); return true;
            case 'f': bytes.Add(12); return true;
            case 'n': bytes.Add(10); return true;
            case 'r': bytes.Add(13); return true;
            case 't': bytes.Add(9); return true;
            case 'v': bytes.Add(11); return true;
            case '\\': bytes.Add((byte)'\\'); return true;
            case '"': bytes.Add((byte)'"'); return true;
            case 'x':
                return TryHex(text, ref i, 2, bytes, utf8, asByte: true, out error);
            case 'u':
                return TryHex(text, ref i, 4, bytes, utf8, asByte: false, out error);
            case 'U':
                return TryHex(text, ref i, 8, bytes, utf8, asByte: false, out error);
            case >= '0' and <= '7':
                {
                    int v = e - '0';
                    for (int k = 0; k < 2; k++, i++)
                    {
                        if (i >= text.Length || text[i] is < '0' or > '7')
                        {
                            error = "invalid octal escape (needs three digits)";
                            return false;
                        }

                        v = (v * 8) + (text[i] - '0');
                    }

                    if (v > 255)
                    {
                        error = "octal escape value > 255";
                        return false;
                    }

                    bytes.Add((byte)v);
                    return true;
                }

            default:
                error = $"unknown escape sequence \\{e}";
                return false;
        }
    }

    private static bool TryHex(string text, ref int i, int digits, List<byte> bytes, Span<byte> utf8, bool asByte, out string? error)
    {
        error = null;
        uint v = 0;
        for (int k = 0; k < digits; k++, i++)
        {
            int d = i < text.Length ? HexValue(text[i]) : -1;
            if (d < 0)
            {
                error = $"invalid escape: expected {digits} hexadecimal digits";
                return false;
            }

            v = (v << 4) | (uint)d;
        }

        if (asByte)
        {
            bytes.Add((byte)v);
            return true;
        }

        if (!Rune.IsValid(v))
        {
            error = "escape sequence is an invalid Unicode code point";
            return false;
        }

        int n = new Rune(v).EncodeToUtf8(utf8);
        for (int k = 0; k < n; k++)
        {
            bytes.Add(utf8[k]);
        }

        return true;
    }

    internal static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
