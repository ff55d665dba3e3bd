using System.Net;

namespace Edge.DataPlane.Routing;

/// <summary>
/// Whether a request's Host (or :authority) is a name Edge can route and forward: a DNS name
/// (labels of 1-63 letters, digits, '-' or '_', at most 253 characters, one trailing dot allowed),
/// an IPv4 address or a bracketed IPv6 literal, with an optional port. Anything else is answered
/// 400 before routing; .NET's own Host parser would otherwise throw on the request path.
/// </summary>
public static class HostSyntax
{
    public static bool IsValid(ReadOnlySpan<char> host)
    {
        if (host.Length == 0) return true;   // HTTP/1.0 without Host: Kestrel has checked the version
        if (host[0] == '[')
        {
            int close = host.IndexOf(']');
            if (close < 0) return false;
            if (!IPAddress.TryParse(host[1..close], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return false;
            var rest = host[(close + 1)..];
            return rest.Length == 0 || (rest[0] == ':' && IsPort(rest[1..]));
        }
        int colon = host.IndexOf(':');
        if (colon >= 0)
        {
            if (!IsPort(host[(colon + 1)..])) return false;
            host = host[..colon];
        }
        return IsName(host);
    }

    /// <summary>RFC 1123 host name (underscore tolerated, as in many internal names).</summary>
    public static bool IsName(ReadOnlySpan<char> name)
    {
        if (name.Length > 0 && name[^1] == '.') name = name[..^1];
        if (name.Length == 0 || name.Length > 253) return false;
        int label = 0;
        foreach (char c in name)
        {
            if (c == '.')
            {
                if (label == 0) return false;
                label = 0;
                continue;
            }
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
            if (++label > 63) return false;
        }
        return label > 0;
    }

    private static bool IsPort(ReadOnlySpan<char> port) =>
        port.Length is > 0 and <= 5 && int.TryParse(port, System.Globalization.NumberStyles.None, null, out int p) && p <= 65535;
}
