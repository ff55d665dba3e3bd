using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Edge.Proxy;

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

    public static bool IsWebSocketAnswer(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("Upgrade", out var upgrade)
        && IsOnlyToken(new StringValues(upgrade.ToArray()), "websocket");

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
