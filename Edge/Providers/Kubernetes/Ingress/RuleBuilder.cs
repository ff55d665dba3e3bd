namespace Edge.Providers.Kubernetes.Ingress;

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

    private static string Quote(string s) => Edge.GoCompat.GoString.Quote(s);
}
