using System.Net.Sockets;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>Raw-socket HTTP/1 for requests that HTTP clients refuse to send (bad framing, bad bytes, raw paths).</summary>
public static class RawHttp
{
    /// <summary>Sends the bytes as they are and reads until the server closes (or 5 s of silence).</summary>
    public static async Task<string> SendAsync(int port, string raw, TimeSpan? quiet = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(raw));
        return await ReadUntilClosedAsync(stream, quiet ?? TimeSpan.FromSeconds(5));
    }

    public static async Task<string> ReadUntilClosedAsync(Stream stream, TimeSpan limit)
    {
        var buffer = new byte[64 * 1024];
        var sb = new StringBuilder();
        using var cts = new CancellationTokenSource(limit);
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
                sb.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException) { }
        return sb.ToString();
    }

    /// <summary>The status code of the first response in <paramref name="response"/>, or 0.</summary>
    public static int Status(string response) =>
        response.StartsWith("HTTP/1.", StringComparison.Ordinal) && response.Length >= 12 && int.TryParse(response.AsSpan(9, 3), out var s) ? s : 0;

    /// <summary>The body of the first response (after the blank line), de-chunked when it is chunked.</summary>
    public static string Body(string response)
    {
        int i = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (i < 0) return "";
        var body = response[(i + 4)..];
        if (!response[..i].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) return body;
        var sb = new StringBuilder();
        int pos = 0;
        while (pos < body.Length)
        {
            int eol = body.IndexOf("\r\n", pos, StringComparison.Ordinal);
            if (eol < 0) break;
            int size = Convert.ToInt32(body[pos..eol].Split(';')[0].Trim(), 16);
            if (size == 0) break;
            sb.Append(body, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        return sb.ToString();
    }
}
