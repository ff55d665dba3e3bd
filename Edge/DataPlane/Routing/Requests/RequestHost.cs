namespace Edge.DataPlane.Routing.Requests;

/// <summary>
/// Host canonicalisation as Traefik's request decorator does it (parseHost + CanonicalDomain),
/// but on spans: the table looks the result up with a case-insensitive comparer instead of
/// lower-casing, so no string is allocated per request.
/// </summary>
internal static class RequestHost
{
    public static ReadOnlySpan<char> Canonical(ReadOnlySpan<char> raw) => StripPort(raw).Trim();

    /// <summary>Mirrors Go's net.SplitHostPort with Traefik's fallbacks when it fails.</summary>
    public static ReadOnlySpan<char> StripPort(ReadOnlySpan<char> raw)
    {
        if (raw.IndexOf(':') < 0)
        {
            return raw;
        }

        if (raw[0] == '[')
        {
            int close = raw.IndexOf(']');
            bool ok = close > 0
                      && close + 1 < raw.Length
                      && raw[close + 1] == ':'
                      && raw[1..].IndexOf('[') < 0
                      && raw[(close + 1)..].IndexOf(']') < 0;
            if (ok)
            {
                return raw[1..close];
            }

            // SplitHostPort failed: Traefik strips the brackets of a bare "[v6]".
            return raw[^1] == ']' ? raw[1..^1] : raw;
        }

        int colon = raw.LastIndexOf(':');
        ReadOnlySpan<char> host = raw[..colon];
        // "too many colons" (an unbracketed IPv6 address): Go fails and Traefik keeps it whole.
        return host.IndexOf(':') >= 0 ? raw : host;
    }

    /// <summary>
    /// Key used by the host index: trailing dots removed, because Traefik's Host matcher treats
    /// "example.com." and "example.com" as the same host in both the rule and the request.
    /// </summary>
    public static ReadOnlySpan<char> IndexKey(ReadOnlySpan<char> canonical) => canonical.TrimEnd('.');
}
