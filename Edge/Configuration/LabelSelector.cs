namespace Edge.Configuration;

/// <summary>
/// Kubernetes label selectors (equality and set based). The API server does the filtering; Edge parses
/// the selector to reject a bad flag at start-up and to filter objects in the offline renderer.
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IDictionary<string, string>?, bool>> _requirements = new();

    public static bool TryParse(string text, out LabelSelector selector, out string error)
    {
        selector = new LabelSelector();
        error = "";
        if (string.IsNullOrWhiteSpace(text)) return true;
        foreach (var raw in SplitTopLevel(text))
        {
            var req = raw.Trim();
            if (req.Length == 0) { error = "empty requirement"; return false; }
            string key; Func<IDictionary<string, string>?, bool> f;
            int inIdx = req.IndexOf(" in ", StringComparison.Ordinal), notInIdx = req.IndexOf(" notin ", StringComparison.Ordinal);
            if (notInIdx > 0 || inIdx > 0)
            {
                bool notIn = notInIdx > 0;
                key = req[..(notIn ? notInIdx : inIdx)].Trim();
                var set = req[((notIn ? notInIdx + 7 : inIdx + 4))..].Trim();
                if (!set.StartsWith('(') || !set.EndsWith(')')) { error = $"expected (values) after in/notin in \"{req}\""; return false; }
                var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries).ToHashSet();
                var k = key;
                f = notIn ? l => l is null || !l.TryGetValue(k, out var v) || !values.Contains(v)
                          : l => l is not null && l.TryGetValue(k, out var v) && values.Contains(v);
            }
            else if (req.Contains("!="))
            {
                var parts = req.Split("!=", 2, StringSplitOptions.TrimEntries);
                key = parts[0]; var val = parts[1];
                f = l => l is null || !l.TryGetValue(key, out var v) || v != val;
            }
            else if (req.Contains('='))
            {
                var parts = req.Split(req.Contains("==") ? "==" : "=", 2, StringSplitOptions.TrimEntries);
                key = parts[0]; var val = parts[1];
                if (!IsValue(val)) { error = $"invalid label value \"{val}\""; return false; }
                f = l => l is not null && l.TryGetValue(key, out var v) && v == val;
            }
            else if (req.StartsWith('!'))
            {
                key = req[1..].Trim();
                f = l => l is null || !l.ContainsKey(key);
            }
            else
            {
                key = req;
                f = l => l is not null && l.ContainsKey(key);
            }
            if (!IsKey(key)) { error = $"invalid label key \"{key}\""; return false; }
            selector._requirements.Add(f);
        }
        return true;
    }

    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var r in _requirements)
            if (!r(labels)) return false;
        return true;
    }

    private static IEnumerable<string> SplitTopLevel(string s)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')') depth--;
            else if (s[i] == ',' && depth == 0) { yield return s[start..i]; start = i + 1; }
        }
        yield return s[start..];
    }

    private static bool IsKey(string k) =>
        k.Length > 0 && k.Length <= 316 && k.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');

    private static bool IsValue(string v) =>
        v.Length <= 63 && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
