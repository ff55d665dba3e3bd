using System.Text.Json.Nodes;

namespace Edge.Tests.FakeApi;

/// <summary>
/// Parses and evaluates the apiserver's label selector grammar (equality and set based). A selector is
/// a list of requirements that must all hold, which is why the comma means AND.
/// </summary>
internal sealed class LabelSelector
{
    private enum Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist }

    private sealed record Requirement(string Key, Op Op, string[] Values);

    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    /// <exception cref="FormatException">The selector does not parse; the caller answers 400 as the apiserver does.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            var term = part.Trim();
            if (term.Length == 0) throw new FormatException($"empty requirement in label selector \"{text}\"");
            requirements.Add(ParseRequirement(term));
        }
        return new LabelSelector(requirements);
    }

    public bool Matches(JsonObject? labels)
    {
        foreach (var r in _requirements)
        {
            var has = labels is not null && labels.TryGetPropertyValue(r.Key, out _);
            var value = has ? labels![r.Key]?.GetValue<string>() : null;
            var ok = r.Op switch
            {
                Op.Exists => has,
                Op.DoesNotExist => !has,
                Op.Equals => has && value == r.Values[0],
                // Kubernetes semantics: != and notin also match objects that lack the key.
                Op.NotEquals => !has || value != r.Values[0],
                Op.In => has && r.Values.Contains(value),
                Op.NotIn => !has || !r.Values.Contains(value),
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static Requirement ParseRequirement(string term)
    {
        if (term.StartsWith('!')) return new(ValidKey(term[1..].Trim()), Op.DoesNotExist, []);

        var open = term.IndexOf('(');
        if (open > 0)
        {
            if (!term.EndsWith(')')) throw new FormatException($"unterminated set in \"{term}\"");
            var head = term[..open].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (head.Length != 2) throw new FormatException($"cannot parse set requirement \"{term}\"");
            var op = head[1] switch
            {
                "in" => Op.In,
                "notin" => Op.NotIn,
                _ => throw new FormatException($"unknown set operator \"{head[1]}\""),
            };
            var values = term[(open + 1)..^1].Split(',').Select(v => v.Trim()).ToArray();
            return new(ValidKey(head[0]), op, values);
        }

        foreach (var (token, op) in new[] { ("!=", Op.NotEquals), ("==", Op.Equals), ("=", Op.Equals) })
        {
            var at = term.IndexOf(token, StringComparison.Ordinal);
            if (at > 0) return new(ValidKey(term[..at].Trim()), op, [term[(at + token.Length)..].Trim()]);
        }
        return new(ValidKey(term), Op.Exists, []);
    }

    private static string ValidKey(string key)
    {
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '=' or '!' or ','))
            throw new FormatException($"invalid label key \"{key}\"");
        return key;
    }

    /// <summary>Commas inside "in (a,b)" separate values, not requirements.</summary>
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
