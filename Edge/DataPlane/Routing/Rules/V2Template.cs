using System.Text;
using System.Text.RegularExpressions;
using Edge.GoCompat;

namespace Edge.DataPlane.Routing.Rules;

/// <summary>
/// gorilla/mux route templates as Traefik v2 rules use them: literal text with "{name}" or
/// "{name:regex}" variables. Literal parts are escaped, variables become groups, and the whole is
/// anchored at the start (and at the end except for PathPrefix), like mux's newRouteRegexp.
/// </summary>
internal static class V2Template
{
    public static bool HasVariables(string template) => template.Contains('{');

    public static bool TryBuildPattern(string template, V2TemplateKind kind, out string pattern, out string? error) =>
        TryBuildPattern(template, kind, out pattern, out _, out error);

    /// <param name="hasColon">
    /// Whether mux's generated pattern contains a ':' (outside the "name:" separators): mux then
    /// matches a host template against "host:port" instead of ignoring the port.
    /// </param>
    public static bool TryBuildPattern(string template, V2TemplateKind kind, out string pattern, out bool hasColon, out string? error)
    {
        pattern = "";
        hasColon = false;
        if (!TryBraceIndices(template, out List<int> idxs))
        {
            error = $"unbalanced braces in \"{template}\"";
            return false;
        }

        string defaultPattern = kind switch
        {
            V2TemplateKind.Query => ".*",
            V2TemplateKind.Host => "[^.]+",
            _ => "[^/]+",
        };

        var sb = new StringBuilder("^");
        int end = 0;
        for (int i = 0; i < idxs.Count; i += 2)
        {
            string raw = template[end..idxs[i]];
            sb.Append(Regex.Escape(raw));
            hasColon |= raw.Contains(':');
            end = idxs[i + 1];
            string inner = template[(idxs[i] + 1)..(end - 1)];
            int colon = inner.IndexOf(':');
            string name = colon < 0 ? inner : inner[..colon];
            string patt = colon < 0 ? defaultPattern : inner[(colon + 1)..];
            if (name.Length == 0 || patt.Length == 0)
            {
                error = $"missing name or pattern in \"{template[idxs[i]..end]}\"";
                return false;
            }

            hasColon |= patt.Contains(':');
            sb.Append("(?:").Append(GoRegex.Translate(patt)).Append(')');
        }

        sb.Append(Regex.Escape(template[end..]));
        hasColon |= template.AsSpan(end).Contains(':');
        if (kind == V2TemplateKind.Query && template[(template.IndexOf('=') + 1)..].Length == 0)
        {
            sb.Append(defaultPattern);
        }

        if (kind != V2TemplateKind.PathPrefix)
        {
            sb.Append("\\z");
        }

        pattern = sb.ToString();
        error = null;
        return true;
    }

    /// <summary>The text after the last variable; the host index uses it as a required suffix.</summary>
    public static string LiteralTail(string template)
    {
        int close = template.LastIndexOf('}');
        return close < 0 ? template : template[(close + 1)..];
    }

    /// <summary>First-level brace pairs, as mux's braceIndices (nested braces belong to the regex).</summary>
    private static bool TryBraceIndices(string s, out List<int> idxs)
    {
        idxs = [];
        int level = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '{')
            {
                if (++level == 1)
                {
                    start = i;
                }
            }
            else if (s[i] == '}')
            {
                if (--level == 0)
                {
                    idxs.Add(start);
                    idxs.Add(i + 1);
                }
                else if (level < 0)
                {
                    return false;
                }
            }
        }

        return level == 0;
    }
}
