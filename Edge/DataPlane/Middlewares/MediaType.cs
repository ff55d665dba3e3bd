namespace Edge.DataPlane.Middlewares;

/// <summary>
/// A media type as Go's mime.ParseMediaType reads it (type lower-cased, parameter names
/// lower-cased, values as given, quoted strings unquoted), with its error texts, so that
/// compress's content-type lists accept and refuse what Traefik does and match as gzhttp does.
/// </summary>
public sealed record MediaType(string Type, IReadOnlyDictionary<string, string> Parameters)
{
    public static MediaType? Parse(string? value, out string? error)
    {
        error = null;
        var text = value ?? "";
        int semi = text.IndexOf(';');
        var type = (semi < 0 ? text : text[..semi]).Trim().ToLowerInvariant();
        if (!CheckType(type, out error)) return null;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = semi < 0 ? "" : text[(semi + 1)..];
        while (rest.Trim().Length > 0)
        {
            // Each parameter: token "=" (token | quoted-string), separated by ";".
            var p = rest.TrimStart();
            int eq = p.IndexOf('=');
            if (eq <= 0) { error = "mime: invalid media parameter"; return null; }
            var key = p[..eq].Trim().ToLowerInvariant();
            if (!IsToken(key)) { error = "mime: invalid media parameter"; return null; }
            var v = p[(eq + 1)..].TrimStart();
            string val;
            if (v.StartsWith('"'))
            {
                var sb = new System.Text.StringBuilder();
                int i = 1;
                for (; i < v.Length && v[i] != '"'; i++)
                {
                    if (v[i] == '\\' && i + 1 < v.Length) i++;
                    sb.Append(v[i]);
                }
                if (i >= v.Length) { error = "mime: invalid media parameter"; return null; }
                val = sb.ToString();
                v = v[(i + 1)..];
            }
            else
            {
                int end = 0;
                while (end < v.Length && IsTokenChar(v[end])) end++;
                if (end == 0) { error = "mime: invalid media parameter"; return null; }
                val = v[..end];
                v = v[end..];
            }
            v = v.TrimStart();
            if (v.Length > 0 && v[0] != ';') { error = "mime: invalid media parameter"; return null; }
            if (parameters.ContainsKey(key)) { error = "mime: duplicate parameter name"; return null; }
            parameters[key] = val;
            rest = v.Length > 0 ? v[1..] : "";
        }
        return new MediaType(type, parameters);
    }

    /// <summary>gzhttp's parsedContentType.equals: same type; this one's parameters, if any, all equal and no others.</summary>
    public bool Matches(MediaType other)
    {
        if (Type != other.Type) return false;
        if (Parameters.Count == 0) return true;
        if (Parameters.Count != other.Parameters.Count) return false;
        foreach (var (k, v) in Parameters)
            if (!other.Parameters.TryGetValue(k, out var w) || v != w) return false;
        return true;
    }

    /// <summary>Go's checkMediaTypeDisposition.</summary>
    private static bool CheckType(string type, out string? error)
    {
        error = null;
        int end = Token(type, 0);
        if (end == 0) { error = "mime: no media type"; return false; }
        if (end == type.Length) return true;   // Go accepts a disposition-like single token
        if (type[end] != '/') { error = "mime: expected slash after first token"; return false; }
        int sub = Token(type, end + 1);
        if (sub == end + 1) { error = "mime: expected token after slash"; return false; }
        if (sub != type.Length) { error = "mime: unexpected content after media subtype"; return false; }
        return true;
    }

    private static int Token(string s, int from)
    {
        while (from < s.Length && IsTokenChar(s[from])) from++;
        return from;
    }

    private static bool IsToken(string s)
    {
        foreach (var c in s) if (!IsTokenChar(c)) return false;
        return s.Length > 0;
    }

    private static bool IsTokenChar(char c) => c > ' ' && c < 0x7f && "()<>@,;:\\\"/[]?=".IndexOf(c) < 0;
}
