using System.Text.RegularExpressions;
using Edge.DataPlane.Routing.Rules.Matchers;
using Edge.GoCompat;

namespace Edge.DataPlane.Routing.Rules;

/// <summary>Traefik v3 matchers (pkg/muxer/http/matcher.go): one value per matcher, regexps unanchored.</summary>
internal static class TraefikV3Dialect
{
    public static RequestMatcher? Bind(string name, string[] args, out string? error)
    {
        int n = args.Length;
        switch (name)
        {
            case "Header" or "HeaderRegexp" when n != 2:
                error = $"unexpected number of parameters; got {n}, expected 2";
                return null;
            case "Query" or "QueryRegexp" when n > 2:
                error = $"unexpected number of parameters; got {n}, expected 1 or 2";
                return null;
            case not ("Header" or "HeaderRegexp" or "Query" or "QueryRegexp") when n != 1:
                error = $"unexpected number of parameters; got {n}, expected 1";
                return null;
        }

        string a = args[0];
        switch (name)
        {
            case "ClientIP":
                return MatcherBinder.TryClientIp(args, out RequestMatcher? ip, out error) ? ip : null;
            case "Method":
                error = null;
                return new MethodMatcher([a.ToUpperInvariant()]);
            case "Host":
                if (a == "*")
                {
                    error = null;
                    return AnyMatcher.Instance;
                }

                return MatcherBinder.IsAscii(a, name, out error) ? new HostMatcher(a.ToLowerInvariant(), allowWildcard: true) : null;
            case "HostRegexp":
                return MatcherBinder.IsAscii(a, name, out error) && GoRegex.TryCreate(a, false, out Regex? hr, out error)
                    ? new HostRegexpMatcher(a, hr!)
                    : null;
            case "Path":
                return StartsWithSlash(a, out error) ? new PathMatcher(a) : null;
            case "PathPrefix":
                return StartsWithSlash(a, out error) ? new PathPrefixMatcher(a) : null;
            case "PathRegexp":
                return GoRegex.TryCreate(a, false, out Regex? pr, out error) ? new PathRegexpMatcher(a, pr!) : null;
            case "Header":
                error = null;
                return new HeaderMatcher(a, args[1]);
            case "HeaderRegexp":
                return GoRegex.TryCreate(args[1], false, out Regex? hdr, out error) ? new HeaderRegexpMatcher(a, args[1], hdr!) : null;
            case "Query":
                error = null;
                return new QueryMatcher(a, n == 2 ? args[1] : "");
            case "QueryRegexp":
                if (n == 1)
                {
                    error = null;
                    return new QueryMatcher(a, "");
                }

                return GoRegex.TryCreate(args[1], false, out Regex? qr, out error) ? new QueryRegexpMatcher(a, args[1], qr!) : null;
            default:
                error = "unknown matcher";
                return null;
        }
    }

    internal static bool StartsWithSlash(string path, out string? error)
    {
        error = path.StartsWith('/') ? null : $"path \"{path}\" does not start with a '/'";
        return error is null;
    }
}
