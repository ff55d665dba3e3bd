using System.Text;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's basicAuth: htpasswd users; a missing or wrong credential is answered 401 with
/// <c>WWW-Authenticate: Basic realm="…"</c> (default realm "traefik"); on success the user name can
/// be passed in <c>headerField</c> and the Authorization header removed (<c>removeHeader</c>).
/// </summary>
internal sealed class BasicAuthMiddleware(IReadOnlyDictionary<string, string> users, string realm, bool removeHeader, string? headerField) : HttpMiddleware
{
    private readonly VerifiedCredentials _verified = new();

    /// <summary>How many credentials are remembered as verified (tests, diagnostics).</summary>
    internal int VerifiedCount => _verified.Count;

    /// <summary>Parses htpasswd lines; null with a reason when one cannot be used (fail closed).</summary>
    public static Dictionary<string, string>? ParseUsers(IEnumerable<string> lines, out string? error)
    {
        error = null;
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) { error = $"error parsing Authenticator user: {line}"; return null; }
            var hash = line[(colon + 1)..].Trim();
            if (Htpasswd.Unsupported(hash) is { } why) { error = $"user \"{line[..colon]}\": {why}"; return null; }
            users[line[..colon]] = hash;
        }
        if (users.Count == 0) { error = "no users"; return null; }
        return users;
    }

    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        var ctx = r.Context;
        if (!TryUser(ctx.Request.Headers.Authorization.ToString(), out var user))
        {
            ctx.Response.Headers.WWWAuthenticate = $"Basic realm=\"{realm}\"";
            return Answer(ctx, StatusCodes.Status401Unauthorized, "401 Unauthorized");
        }
        if (!string.IsNullOrEmpty(headerField)) ctx.Request.Headers[headerField] = user;
        if (removeHeader) ctx.Request.Headers.Remove("Authorization");
        return next(r);
    };

    private bool TryUser(string authorization, out string user)
    {
        if (_verified.TryGet(authorization, out user)) return true;
        if (!Verify(authorization, out user)) return false;
        _verified.Add(authorization, user);
        return true;
    }

    private bool Verify(string authorization, out string user)
    {
        user = "";
        const string Scheme = "Basic ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[Scheme.Length..].Trim())); }
        catch (FormatException) { return false; }
        int colon = decoded.IndexOf(':');
        if (colon < 0) return false;
        user = decoded[..colon];
        return users.TryGetValue(user, out var hash) && Htpasswd.Verify(decoded[(colon + 1)..], hash);
    }
}
