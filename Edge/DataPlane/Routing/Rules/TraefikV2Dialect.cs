using System.Text.RegularExpressions;
using Edge.DataPlane.Routing.Rules.Matchers;
using Edge.GoCompat;

namespace Edge.DataPlane.Routing.Rules;

/// <summary>
/// Traefik v2 matchers (pkg/muxer/http/matcher_v2.go): several values per matcher (any may match),
/// gorilla/mux templates for HostRegexp, Path and PathPrefix, key/value pairs for Headers and Query.
/// </summary>
internal static class TraefikV2Dialect
{
    public static RequestMatcher? Bind(string name, string[] args, out string? error)
    {
        var parts = new List<RequestMatcher>(args.Length);
        switch (name)
        {
            case "Host" or "HostHeader":
                foreach (string h in args)
                {
                    if (!MatcherBinder.IsAscii(h, name, out error))
                    {
                        return null;
                    }

                    parts.Add(new HostMatcher(h.ToLowerInvariant(), allowWildcard: false));
                }

                break;
            case "HostRegexp":
                foreach (string t in args)
                {
                    if (!MatcherBinder.IsAscii(t, name, out error)
                        || !V2Template.TryBuildPattern(t, V2TemplateKind.Host, out string pattern, out bool hasColon, out error)
                        || !GoRegex.TryCreateTranslated(pattern, ignoreCase: true, out Regex? re, out error))
                    {
                        return null;
                    }

                    parts.Add(new V2HostTemplateMatcher(t, re!, matchPort: hasColon));
                }

                break;
            case "ClientIP":
                return MatcherBinder.TryClientIp(args, out RequestMatcher? ip, out error) ? ip : null;
            case "Path" or "PathPrefix":
                foreach (string p in args)
                {
                    if (!TraefikV3Dialect.StartsWithSlash(p, out error))
                    {
                        return null;
                    }

                    bool prefix = name == "PathPrefix";
                    if (!V2Template.HasVariables(p))
                    {
                        parts.Add(prefix ? new PathPrefixMatcher(p) : new PathMatcher(p));
                        continue;
                    }

                    if (!Template(p, prefix ? V2TemplateKind.PathPrefix : V2TemplateKind.Path, out Regex? re, out error))
                    {
                        return null;
                    }

                    parts.Add(new PathRegexpMatcher(p, re!));
                }

                break;
            case "Method":
                error = null;
                return new MethodMatcher(Array.ConvertAll(args, m => m.ToUpperInvariant()));
            case "Headers" or "HeadersRegexp":
                if (args.Length % 2 != 0)
                {
                    error = $"number of parameters must be a multiple of 2, got {args.Length}";
                    return null;
                }

                for (int i = 0; i < args.Length; i += 2)
                {
                    if (name == "Headers")
                    {
                        parts.Add(new HeaderMatcher(args[i], args[i + 1]));
                    }
                    else if (GoRegex.TryCreate(args[i + 1], false, out Regex? re, out error))
                    {
                        parts.Add(new HeaderRegexpMatcher(args[i], args[i + 1], re!));
                    }
                    else
                    {
                        return null;
                    }
                }

                // mux requires every listed header.
                error = null;
                return MatcherBinder.Combine(parts, and: true);
            case "Query":
                return BindQuery(args, out error);
            default:
                error = "unknown matcher";
                return null;
        }

        error = null;
        return MatcherBinder.Combine(parts, and: false);
    }

    /// <summary>
    /// Traefik splits every argument at its first '=' and hands the flattened list to mux as
    /// key/value pairs, so Query(`a`, `b`) means a=b and an odd count is an error.
    /// </summary>
    private static RequestMatcher? BindQuery(string[] args, out string? error)
    {
        var flat = new List<string>();
        foreach (string a in args)
        {
            int eq = a.IndexOf('=');
            flat.Add(eq < 0 ? a : a[..eq]);
            if (eq >= 0)
            {
                flat.Add(a[(eq + 1)..]);
            }
        }

        if (flat.Count % 2 != 0)
        {
            error = $"number of parameters must be a multiple of 2 (key=value), got {string.Join(", ", flat)}";
            return null;
        }

        var parts = new List<RequestMatcher>();
        for (int i = 0; i < flat.Count; i += 2)
        {
            string template = flat[i] + "=" + flat[i + 1];
            if (!Template(template, V2TemplateKind.Query, out Regex? re, out error))
            {
                return null;
            }

            parts.Add(new V2QueryMatcher(template, flat[i], re!));
        }

        error = null;
        return MatcherBinder.Combine(parts, and: true);
    }

    private static bool Template(string template, V2TemplateKind kind, out Regex? regex, out string? error)
    {
        regex = null;
        return V2Template.TryBuildPattern(template, kind, out string pattern, out error)
               && GoRegex.TryCreateTranslated(pattern, ignoreCase: false, out regex, out error);
    }
}
