using System.Text;
using System.Text.RegularExpressions;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Go's <c>Regexp.Expand</c> template syntax, which Traefik's replacement strings use: <c>$1</c>,
/// <c>${1}</c>, <c>$name</c>, <c>${name}</c>, <c>$$</c>. Unlike .NET's, <c>$1x</c> names the group
/// "1x" (empty when it does not exist) and an unknown group expands to nothing.
/// </summary>
public static class GoReplacement
{
    /// <summary>
    /// Go numbers capturing groups left to right, named or not; .NET numbers the unnamed ones
    /// first. Entry k of the result is the .NET number of Go's group k (0 is the whole match).
    /// </summary>
    public static int[] GoGroupOrder(Regex regex)
    {
        var pattern = regex.ToString();
        var order = new List<int> { 0 };
        int unnamed = 0;
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\') { i++; continue; }
            if (inClass) { if (c == ']') inClass = false; continue; }
            if (c == '[') { inClass = true; continue; }
            if (c != '(') continue;
            if (i + 1 < pattern.Length && pattern[i + 1] == '?')
            {
                // (?<name>…) and (?'name'…) capture; (?:…), (?i) and the like do not.
                if (i + 2 < pattern.Length && (pattern[i + 2] == '\'' || (pattern[i + 2] == '<' && i + 3 < pattern.Length && pattern[i + 3] is not ('=' or '!'))))
                {
                    char close = pattern[i + 2] == '<' ? '>' : '\'';
                    int end = pattern.IndexOf(close, i + 3);
                    if (end > 0) order.Add(regex.GroupNumberFromName(pattern[(i + 3)..end]));
                }
                continue;
            }
            order.Add(++unnamed);
        }
        return order.ToArray();
    }

    public static string Expand(Match match, string template) => Expand(match, null, template);

    public static string Expand(Match match, int[]? goOrder, string template)
    {
        if (!template.Contains('$')) return template;
        var sb = new StringBuilder(template.Length + 16);
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c != '$' || i + 1 >= template.Length) { sb.Append(c); continue; }
            if (template[i + 1] == '$') { sb.Append('$'); i++; continue; }
            string name;
            int end;
            if (template[i + 1] == '{')
            {
                end = template.IndexOf('}', i + 2);
                if (end < 0) { sb.Append(c); continue; }
                name = template.Substring(i + 2, end - i - 2);
            }
            else
            {
                end = i + 1;
                while (end < template.Length && (char.IsAsciiLetterOrDigit(template[end]) || template[end] == '_')) end++;
                if (end == i + 1) { sb.Append(c); continue; }
                name = template.Substring(i + 1, end - i - 1);
                end--;
            }
            if (name.Length == 0 || !IsName(name)) { sb.Append(c); continue; }
            Group group;
            if (int.TryParse(name, System.Globalization.NumberStyles.None, null, out var n))
                group = goOrder is null ? match.Groups[n] : n < goOrder.Length ? match.Groups[goOrder[n]] : Group.Synchronized(Match.Empty.Groups[0]);
            else group = match.Groups[name];
            if (group.Success) sb.Append(group.Value);
            i = end;
        }
        return sb.ToString();
    }

    /// <summary>Go's Regexp.ReplaceAllString: every non-overlapping match replaced by the expanded template.</summary>
    public static string ReplaceAll(Regex regex, int[] goOrder, string input, string template) =>
        regex.Replace(input, m => Expand(m, goOrder, template));

    private static bool IsName(string s)
    {
        foreach (var c in s) if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        return true;
    }
}
