using System.Text.RegularExpressions;
using Edge.DataPlane.Routing.Requests;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's path-rewriting middlewares. Prefixes are compared with the decoded (routing) path and
/// cut from the escaped path by the number of escaped bytes they cover, as Traefik's
/// <c>encodedPrefixLen</c> does, so an escape is never split and the backend gets one spelling.
/// </summary>
internal static class PathEdit
{
    public const string ForwardedPrefix = "X-Forwarded-Prefix";
    public const string ReplacedPath = "X-Replaced-Path";

    public static string EnsureLeadingSlash(string s) => s.Length == 0 || s[0] == '/' ? s : "/" + s;

    /// <summary>Characters of <paramref name="escaped"/> that spell <paramref name="decodedPrefix"/> (counted in UTF-8 bytes, as Go's strings are).</summary>
    public static int EncodedPrefixLength(string escaped, string decodedPrefix)
    {
        int decodedLength = System.Text.Encoding.UTF8.GetByteCount(decodedPrefix);
        int decoded = 0, i = 0;
        while (i < escaped.Length && decoded < decodedLength)
        {
            i += escaped[i] == '%' && i + 2 < escaped.Length ? 3 : 1;
            decoded++;
        }
        return i;
    }
}

internal sealed class AddPrefixMiddleware(string prefix) : HttpMiddleware
{
    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        r.Path = RequestPath.Rewritten(PathEdit.EnsureLeadingSlash(prefix + r.Path.Escaped));
        return next(r);
    };
}

internal sealed class StripPrefixMiddleware(IReadOnlyList<string> prefixes, bool forceSlash) : HttpMiddleware
{
    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        var path = r.Path.Routing;
        foreach (var prefix in prefixes)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = r.Path.Escaped[PathEdit.EncodedPrefixLength(r.Path.Escaped, prefix)..];
            var stripped = forceSlash ? "/" + rest.TrimStart('/') : PathEdit.EnsureLeadingSlash(rest);
            // Traefik: a strip that leaves a path cleaning would change (/api/../admin) is refused.
            if (stripped.Length > 0 && RequestPath.Sanitize(stripped) != stripped)
                return Answer(r.Context, StatusCodes.Status400BadRequest);
            r.Path = RequestPath.Rewritten(stripped);
            r.Context.Request.Headers.Append(PathEdit.ForwardedPrefix, prefix);
            break;
        }
        return next(r);
    };
}

internal sealed class StripPrefixRegexMiddleware(IReadOnlyList<Regex> expressions) : HttpMiddleware
{
    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        var path = r.Path.Routing;
        foreach (var regex in expressions)
        {
            var m = regex.Match(path);
            if (!m.Success || m.Length == 0 || m.Index != 0) continue;
            var prefix = m.Value;
            var rest = r.Path.Escaped[PathEdit.EncodedPrefixLength(r.Path.Escaped, prefix)..];
            var stripped = PathEdit.EnsureLeadingSlash(rest);
            if (stripped.Length > 0 && RequestPath.Sanitize(stripped) != stripped)
                return Answer(r.Context, StatusCodes.Status400BadRequest);
            r.Context.Request.Headers.Append(PathEdit.ForwardedPrefix, prefix);
            r.Path = RequestPath.Rewritten(stripped);
            break;
        }
        return next(r);
    };
}

internal sealed class ReplacePathMiddleware(string path) : HttpMiddleware
{
    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        r.Context.Request.Headers.Append(PathEdit.ReplacedPath, r.Path.Escaped);
        r.Path = RequestPath.Rewritten(path);
        return next(r);
    };
}

internal sealed class ReplacePathRegexMiddleware(Regex regex, string replacement) : HttpMiddleware
{
    private readonly int[] _order = GoReplacement.GoGroupOrder(regex);

    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        var current = r.Path.Escaped;
        if (regex.IsMatch(current))
        {
            r.Context.Request.Headers.Append(PathEdit.ReplacedPath, current);
            r.Path = RequestPath.Rewritten(GoReplacement.ReplaceAll(regex, _order, current, replacement));
        }
        return next(r);
    };
}
