using System.Security.Cryptography;
using System.Text;
using Edge.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's digestAuth (abbot/go-http-auth's DigestAuth, containous fork): RFC 2617 with MD5 and
/// qop=auth. Users are <c>name:realm:HA1</c> lines, HA1 = MD5(name:realm:password), looked up for
/// the middleware's realm (default "traefik"). A missing or wrong credential is answered 401
/// "401 Unauthorized" with a challenge carrying a fresh nonce and the middleware's opaque; a
/// nonce this middleware did not issue (or forgot), or a nonce count that does not grow, gets the
/// challenge with <c>stale=true</c>, so a client retries with a new nonce without asking the user.
/// Nonces are remembered per router chain, at most about 1000 (the oldest 200 are forgotten past
/// 1100, as go-http-auth's client cache). On success the user name can go in
/// <c>headerField</c>, the Authorization header can be removed (<c>removeHeader</c>), and the
/// access log's ClientUsername is set.
/// </summary>
internal sealed class DigestAuthMiddleware(IReadOnlyDictionary<string, string> users, string realm, bool removeHeader, string? headerField) : HttpMiddleware
{
    private const int CacheSize = 1000, CacheTolerance = 100;

    /// <summary>Parses <c>name:realm:hash</c> lines (Traefik's digestUserParser); null with a reason when one cannot be used.</summary>
    public static Dictionary<string, string>? ParseUsers(IEnumerable<string> lines, out string? error)
    {
        error = null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split(':');
            if (parts.Length != 3) { error = $"error parsing DigestUser: {line}"; return null; }
            result[parts[0] + ":" + parts[1]] = parts[2];
        }
        if (result.Count == 0) { error = "no users"; return null; }
        return result;
    }

    public override ProxyHandler Wrap(ProxyHandler next)
    {
        var nonces = new Dictionary<string, (ulong Count, long LastSeen)>(StringComparer.Ordinal);
        var opaque = RandomKey();
        return r =>
        {
            var ctx = r.Context;
            var auth = Params(ctx.Request.Headers.Authorization.ToString());
            var user = Check(ctx, auth, nonces, opaque, out bool stale);
            if (user is null)
            {
                if (auth?.GetValueOrDefault("username") is { Length: > 0 } claimed && (r.Observed ?? ObservedRequest.Of(ctx)) is { } o) o.Username = claimed;
                return Challenge(ctx, nonces, opaque, stale);
            }
            if ((r.Observed ?? ObservedRequest.Of(ctx)) is { } observed) observed.Username = user;
            if (!string.IsNullOrEmpty(headerField)) ctx.Request.Headers[headerField] = user;
            if (removeHeader) ctx.Request.Headers.Remove("Authorization");
            return next(r);
        };
    }

    /// <summary>go-http-auth's CheckAuth: the user when the response digest is right and the nonce is live.</summary>
    private string? Check(HttpContext ctx, Dictionary<string, string>? auth, Dictionary<string, (ulong Count, long LastSeen)> nonces, string opaque, out bool stale)
    {
        stale = false;
        if (auth is null) return null;
        string Get(string key) => auth.GetValueOrDefault(key) ?? "";
        // An unset algorithm is MD5 (RFC 2617 3.2.1; some clients omit it).
        var algorithm = auth.GetValueOrDefault("algorithm") ?? "MD5";
        if (Get("opaque") != opaque || algorithm != "MD5" || Get("qop") != "auth") return null;
        var uri = Get("uri");
        var requestUri = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : ctx.Request.Path.Value + ctx.Request.QueryString.Value;
        if (requestUri != uri)
        {
            // go-http-auth also accepts a uri whose path is a prefix of the request's path.
            int q = uri.IndexOf('?');
            var uriPath = Uri.UnescapeDataString(q >= 0 ? uri[..q] : uri);
            var path = ctx.Request.Path.Value ?? "";
            if (uriPath.Length > path.Length || !path.StartsWith(uriPath, StringComparison.Ordinal)) return null;
        }
        var username = Get("username");
        var ha1 = users.GetValueOrDefault(username + ":" + realm) ?? "";
        var ha2 = Md5(ctx.Request.Method + ":" + uri);
        var expected = Md5(string.Join(':', ha1, Get("nonce"), Get("nc"), Get("cnonce"), Get("qop"), ha2));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Get("response"))) || ha1.Length == 0) return null;
        if (!ulong.TryParse(Get("nc"), System.Globalization.NumberStyles.HexNumber, null, out var nc)) return null;
        lock (nonces)
        {
            if (!nonces.TryGetValue(Get("nonce"), out var client) || (client.Count != 0 && client.Count >= nc))
            {
                stale = true;
                return null;
            }
            nonces[Get("nonce")] = (nc, Environment.TickCount64);
        }
        return username;
    }

    private Task Challenge(HttpContext ctx, Dictionary<string, (ulong Count, long LastSeen)> nonces, string opaque, bool stale)
    {
        var nonce = RandomKey();
        lock (nonces)
        {
            if (nonces.Count > CacheSize + CacheTolerance)
                foreach (var old in nonces.OrderBy(kv => kv.Value.LastSeen).Take(CacheTolerance * 2).Select(kv => kv.Key).ToList()) nonces.Remove(old);
            nonces[nonce] = (0, Environment.TickCount64);
        }
        ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
        ctx.Response.ContentType = "text/plain";
        ctx.Response.Headers.WWWAuthenticate =
            $"Digest realm=\"{realm}\", nonce=\"{nonce}\", opaque=\"{opaque}\", algorithm=\"MD5\", qop=\"auth\"" + (stale ? ", stale=true" : "");
        return ctx.Response.WriteAsync("401 Unauthorized\n");
    }

    /// <summary>go-http-auth's DigestAuthParams: <c>Digest k=v, k="v", ...</c>; null for another scheme.</summary>
    internal static Dictionary<string, string>? Params(string header)
    {
        int space = header.IndexOf(' ');
        if (space < 0 || header[..space] != "Digest") return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var s = header.AsSpan(space + 1);
        int i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == ',')) i++;
            int eq = s[i..].IndexOf('=');
            if (eq < 0) break;
            var key = s.Slice(i, eq).Trim().ToString();
            i += eq + 1;
            var value = new StringBuilder();
            if (i < s.Length && s[i] == '"')
            {
                for (i++; i < s.Length && s[i] != '"'; i++)
                {
                    if (s[i] == '\\' && i + 1 < s.Length) i++;
                    value.Append(s[i]);
                }
                i++;
            }
            else
                for (; i < s.Length && s[i] != ','; i++) value.Append(s[i]);
            result[key] = value.ToString().Trim();
        }
        return result;
    }

    private static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));

    /// <summary>go-http-auth's RandomKey: 12 random bytes, base64 without padding.</summary>
    private static string RandomKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
}
