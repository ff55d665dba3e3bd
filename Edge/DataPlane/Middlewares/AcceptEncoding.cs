using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's Accept-Encoding negotiation (compress/acceptencoding.go): spaces removed, items
/// split on ",", names compared as written, q=0 (or a q that does not parse) not acceptable,
/// highest weight first and, at equal weight, the configured order (<c>*</c> before any encoding,
/// <c>identity</c> after all of them).
/// </summary>
public static class AcceptEncoding
{
    public const string Identity = "identity";
    public const string Wildcard = "*";
    public const string NotAcceptable = "not_acceptable";

    /// <summary>Priority per name: <c>*</c> -1, each encoding its index, <c>identity</c> last.</summary>
    public static Dictionary<string, int> Priorities(IReadOnlyList<string> encodings)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal) { [Wildcard] = -1, [Identity] = encodings.Count };
        for (int i = 0; i < encodings.Count; i++) map[encodings[i]] = i;
        return map;
    }

    /// <summary>The encoding to use, <see cref="Identity"/> or <see cref="NotAcceptable"/>; a wildcard gives the default (or the first encoding).</summary>
    public static string Choose(StringValues header, Dictionary<string, int> priorities, string firstEncoding, string? defaultEncoding)
    {
        // RFC 9110: an empty Accept-Encoding means no content coding is wanted.
        if (header.Count == 1 && header[0]!.Length == 0) return Identity;
        string? best = null;
        double bestWeight = 0;
        int bestPriority = 0;
        foreach (var line in header)
        {
            foreach (var item in (line ?? "").Replace(" ", "").Split(','))
            {
                int semi = item.IndexOf(';');
                var name = semi < 0 ? item : item[..semi];
                if (!priorities.TryGetValue(name, out var priority)) continue;
                double weight = 1.0;
                if (semi >= 0 && item.AsSpan(semi + 1).StartsWith("q="))
                {
                    // Go's ParseFloat failing gives 0, which is "not acceptable" like q=0.
                    if (!double.TryParse(item.AsSpan(semi + 3), NumberStyles.Float, CultureInfo.InvariantCulture, out weight)) weight = 0;
                    if (weight == 0) continue;
                }
                if (best is null || weight > bestWeight || (weight == bestWeight && priority < bestPriority))
                {
                    best = name; bestWeight = weight; bestPriority = priority;
                }
            }
        }
        if (best is null) return NotAcceptable;
        if (best == Wildcard) return string.IsNullOrEmpty(defaultEncoding) ? firstEncoding : defaultEncoding;
        return best;
    }

    /// <summary>gzhttp's acceptsGzip: the first Accept-Encoding line names gzip (any case) with a q above 0.</summary>
    public static bool AcceptsGzip(StringValues header)
    {
        var first = header.Count > 0 ? header[0] ?? "" : "";
        foreach (var coding in first.Split(','))
        {
            var parts = coding.Split(';');
            if (!parts[0].Trim().Equals("gzip", StringComparison.OrdinalIgnoreCase)) continue;
            double q = 1.0;
            for (int i = 1; i < parts.Length; i++)
            {
                var p = parts[i].Trim();
                if (p.StartsWith("q=", StringComparison.Ordinal)
                    && !double.TryParse(p.AsSpan(2), NumberStyles.Float, CultureInfo.InvariantCulture, out q)) q = 0;
            }
            if (q > 0) return true;
        }
        return false;
    }
}
