using Microsoft.Extensions.Primitives;

namespace Edge.DataPlane.Forwarding;

/// <summary>Headers that belong to one connection (RFC 9110 §7.6.1) and are never forwarded.</summary>
public static class HopByHopHeaders
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        // h2c's upgrade settings (RFC 7540 section 3.2.1) belong to the connection that asked for the upgrade.
        "HTTP2-Settings",
    };

    public static bool IsHopByHop(string name) => Names.Contains(name);

    /// <summary>Also drops the headers the Connection header itself names.</summary>
    public static bool IsNamedByConnection(StringValues connection, string name)
    {
        if (StringValues.IsNullOrEmpty(connection)) return false;
        foreach (var v in connection)
        {
            if (v is null) continue;
            foreach (var token in v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (token.Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
