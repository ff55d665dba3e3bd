using System.Text;
using Edge.Configuration;
using Edge.GoCompat;

namespace Edge.DataPlane.Routing.Requests;

/// <summary>
/// The one path of a request, computed once before routing and used by the router, the
/// middlewares and the forwarder alike, so that a request can never be routed as one path and
/// delivered as another. Follows Traefik's request-path processing: encoded characters the entry
/// point denies are rejected, unreserved percent-escapes decoded and the others upper-cased
/// (RFC 3986 §2.3, §6.2.2.1), then <c>.</c>, <c>..</c> and duplicate slashes removed
/// (<c>sanitizePath</c>, Go's <c>URL.JoinPath</c>). Two deliberate choices beyond Traefik: a raw
/// backslash is rejected (back ends that treat it as a separator would see another path), and a
/// fragment (<c>#</c>) is rejected as Traefik does.
/// </summary>
public sealed class RequestPath
{
    /// <summary>The normalised path, still escaped: what the backend receives.</summary>
    public string Escaped { get; }

    /// <summary>Traefik's routing path of <see cref="Escaped"/>: what the matchers see (see <see cref="RoutingPath"/>).</summary>
    public string Routing { get; }

    /// <summary>True when <see cref="Escaped"/> is the request's raw path byte for byte (the raw target can be forwarded as is).</summary>
    public bool Unchanged { get; }

    private RequestPath(string escaped, string routing, bool unchanged) { Escaped = escaped; Routing = routing; Unchanged = unchanged; }

    /// <summary>
    /// A path a middleware rewrote (stripPrefix, addPrefix, replacePath…): already escaped, forwarded
    /// as it is. Its routing form is derived the same way as a request's.
    /// </summary>
    public static RequestPath Rewritten(string escaped)
    {
        if (escaped.Length == 0) escaped = "/";
        escaped = EscapeForTarget(escaped);
        return new RequestPath(escaped, RoutingPath.FromEscaped(escaped) ?? escaped, false);
    }

    /// <summary>
    /// Makes a rewritten path a valid request target, as Go's URL.EscapedPath does: valid %XX
    /// escapes are kept, any other byte that may not appear in a path (space, controls, '?', '#',
    /// non-ASCII, a stray '%') is percent-encoded. A replacement can never split the request line.
    /// </summary>
    private static string EscapeForTarget(string path)
    {
        bool clean = true;
        for (int i = 0; i < path.Length && clean; i++)
            clean = IsPathChar(path[i]) || (path[i] == '%' && i + 2 < path.Length && GoString.HexValue(path[i + 1]) >= 0 && GoString.HexValue(path[i + 2]) >= 0);
        if (clean) return path;
        var sb = new StringBuilder(path.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            if (IsPathChar(c) || (c == '%' && i + 2 < path.Length && GoString.HexValue(path[i + 1]) >= 0 && GoString.HexValue(path[i + 2]) >= 0))
            {
                sb.Append(c);
                continue;
            }
            int len = char.IsHighSurrogate(c) && i + 1 < path.Length ? 2 : 1;
            int n = Encoding.UTF8.GetBytes(path.AsSpan(i, len), utf8);
            i += len - 1;
            for (int k = 0; k < n; k++) sb.Append('%').Append(Hex(utf8[k] >> 4)).Append(Hex(utf8[k] & 15));
        }
        return sb.ToString();
    }

    /// <summary>RFC 3986 pchar plus '/', without '%': what Go leaves unescaped in a path.</summary>
    private static bool IsPathChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '/' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or ':' or '@';

    /// <summary>Go's <c>URL.JoinPath()</c> cleaning of an escaped path (see <see cref="Clean"/>).</summary>
    public static string Sanitize(string escaped) => Clean(escaped);

    /// <summary>
    /// Normalises the path part of a raw request target (origin form, without query). Returns null
    /// with a reason when the request must be answered 400.
    /// </summary>
    /// <param name="kestrelPath">Kestrel's decoded path, reused when the raw path needs no work (no allocation).</param>
    public static RequestPath? Normalize(string rawPath, DeniedEncodings denied, bool sanitize, out string? reason, string? kestrelPath = null)
    {
        reason = null;
        if (rawPath.Length == 0) rawPath = "/";
        if (IsClean(rawPath, sanitize))
        {
            var p = kestrelPath is not null && kestrelPath.Length == rawPath.Length && string.Equals(kestrelPath, rawPath, StringComparison.Ordinal) ? kestrelPath : rawPath;
            return new RequestPath(p, p, true);
        }

        var escaped = new StringBuilder(rawPath.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < rawPath.Length; i++)
        {
            char c = rawPath[i];
            switch (c)
            {
                case '#': reason = "fragment in the request path"; return null;
                case '\\': reason = "backslash in the request path"; return null;
                case '%':
                    if (i + 2 >= rawPath.Length || GoString.HexValue(rawPath[i + 1]) < 0 || GoString.HexValue(rawPath[i + 2]) < 0)
                    {
                        reason = "invalid percent-encoding in the request path";
                        return null;
                    }
                    byte b = (byte)((GoString.HexValue(rawPath[i + 1]) << 4) | GoString.HexValue(rawPath[i + 2]));
                    if (Denied(b, denied))
                    {
                        reason = $"encoded character %{b:X2} in the request path";
                        return null;
                    }
                    if (IsUnreserved(b)) escaped.Append((char)b);
                    else escaped.Append('%').Append(Hex(b >> 4)).Append(Hex(b & 15));
                    i += 2;
                    break;
                default:
                    if (c <= ' ' || c >= 0x7f)
                    {
                        if (char.IsControl(c) || c == ' ') { reason = "control character in the request path"; return null; }
                        // Non-ASCII: forwarded percent-encoded (UTF-8), so the backend sees one spelling.
                        int n = Encoding.UTF8.GetBytes(rawPath.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < rawPath.Length ? 2 : 1), utf8);
                        if (char.IsHighSurrogate(c) && i + 1 < rawPath.Length) i++;
                        for (int k = 0; k < n; k++) escaped.Append('%').Append(Hex(utf8[k] >> 4)).Append(Hex(utf8[k] & 15));
                        break;
                    }
                    escaped.Append(c);
                    break;
            }
        }
        var normalized = escaped.ToString();
        if (sanitize) normalized = Clean(normalized);
        var routing = RoutingPath.FromEscaped(normalized);
        if (routing is null) { reason = "invalid percent-encoding in the request path"; return null; }
        return new RequestPath(normalized, routing, string.Equals(normalized, rawPath, StringComparison.Ordinal));
    }

    /// <summary>Nothing to decode, reject or remove: the raw path is already the normalised one.</summary>
    private static bool IsClean(string path, bool sanitize)
    {
        if (path[0] != '/') return false;
        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            if (c is '%' or '\\' or '#' || c <= ' ' || c >= 0x7f) return false;
            if (sanitize && c == '/' && i + 1 < path.Length)
            {
                char n = path[i + 1];
                if (n == '/') return false;
                if (n == '.' && (i + 2 == path.Length || path[i + 2] == '/' || (path[i + 2] == '.' && (i + 3 == path.Length || path[i + 3] == '/'))))
                    return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Go's <c>path.Clean</c> of the escaped path, keeping one trailing slash when the input had one
    /// (what Traefik's sanitizePath does through <c>URL.JoinPath</c>): "/./foo/../bar//" is "/bar/".
    /// </summary>
    internal static string Clean(string path)
    {
        bool trailing = path.Length > 1 && path[^1] == '/';
        var output = new List<string>();
        foreach (var seg in path.Split('/'))
        {
            if (seg.Length == 0 || seg == ".") continue;
            if (seg == "..")
            {
                if (output.Count > 0) output.RemoveAt(output.Count - 1);
                continue;
            }
            output.Add(seg);
        }
        var cleaned = "/" + string.Join('/', output);
        if (trailing && cleaned.Length > 1) cleaned += "/";
        return cleaned;
    }

    private static bool Denied(byte b, DeniedEncodings denied) => denied != DeniedEncodings.None && b switch
    {
        0x2F => (denied & DeniedEncodings.Slash) != 0,
        0x5C => (denied & DeniedEncodings.BackSlash) != 0,
        0x00 => (denied & DeniedEncodings.Null) != 0,
        0x3B => (denied & DeniedEncodings.Semicolon) != 0,
        0x25 => (denied & DeniedEncodings.Percent) != 0,
        0x3F => (denied & DeniedEncodings.QuestionMark) != 0,
        0x23 => (denied & DeniedEncodings.Hash) != 0,
        _ => false,
    };

    /// <summary>RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~".</summary>
    private static bool IsUnreserved(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private static char Hex(int v) => (char)(v < 10 ? '0' + v : 'A' + v - 10);
}
