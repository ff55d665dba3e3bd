using System.Text;

namespace Edge.Translation;

/// <summary>Rules as Traefik's Ingress provider writes them (Go %q quoting).</summary>
public static class RuleBuilder
{
    public static string Host(string host, bool v2)
    {
        if (v2 && host.StartsWith("*.", StringComparison.Ordinal))
            return $"HostRegexp({Quote("{subdomain:[a-zA-Z0-9-]+}." + host[2..])})";
        return $"Host({Quote(host)})";
    }

    public static string Path(bool strictPrefixMatching, string matcher, string path)
    {
        if (strictPrefixMatching && matcher == "PathPrefix")
        {
            if (path == "/") return "PathPrefix(\"/\")";
            var trimmed = path.EndsWith('/') ? path[..^1] : path;   // Go's strings.TrimSuffix
            return $"(Path({Quote(trimmed)}) || PathPrefix({Quote(trimmed + "/")}))";
        }
        return $"{matcher}({Quote(path)})";
    }

    /// <summary>Go's strconv.Quote for the strings Ingresses carry.</summary>
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
                    if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2"));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
