using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// Which upgrades Edge relays: only the WebSocket handshake of RFC 6455 (a GET with
/// <c>Upgrade: websocket</c> and <c>Connection: Upgrade</c>), answered by a 101 that switches to
/// websocket. Everything else that asks to switch protocols, h2c above all (a tunnel for HTTP/2
/// frames that no router sees), is not an upgrade.
/// </summary>
public static class UpgradeRequest
{
    public static bool IsWebSocket(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && IsOnlyToken(request.Headers.Upgrade, "websocket")
        && HasToken(request.Headers.Connection, "upgrade");

    /// <summary>
    /// A 101 that switches to websocket; for a handshake Edge made itself (an HTTP/2 client's
    /// extended CONNECT), also the Sec-WebSocket-Accept that proves the backend read Edge's key.
    /// </summary>
    public static bool IsWebSocketAnswer(HttpResponseMessage response, string? key = null)
    {
        if (!response.Headers.NonValidated.TryGetValues("Upgrade", out var upgrade)
            || !IsOnlyToken(new StringValues(upgrade.ToArray()), "websocket")) return false;
        if (key is null) return true;
        return response.Headers.NonValidated.TryGetValues("Sec-WebSocket-Accept", out var accept)
            && accept.ToString().Trim() == AcceptFor(key);
    }

    /// <summary>A fresh Sec-WebSocket-Key (16 random bytes, base64).</summary>
    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>RFC 6455 section 4.2.2: base64(SHA-1(key + GUID)).</summary>
    public static string AcceptFor(string key) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    private static bool IsOnlyToken(StringValues values, string token)
    {
        int count = 0;
        foreach (var v in values)
        {
            if (v is null) continue;
            foreach (var t in v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!t.Equals(token, StringComparison.OrdinalIgnoreCase)) return false;
                count++;
            }
        }
        return count == 1;
    }

    private static bool HasToken(StringValues values, string token)
    {
        foreach (var v in values)
        {
            if (v is null) continue;
            foreach (var t in v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (t.Equals(token, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
