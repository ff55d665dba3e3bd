using System.Text;

namespace Edge.Tests.FakeApi;

/// <summary>
/// Opaque paging token. Like the apiserver's, it remembers the list's resourceVersion so that a token
/// older than the kept history answers 410 Expired, and the last key so the next page resumes after it.
/// </summary>
internal static class ContinueToken
{
    public static string Encode(long rv, string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rv}\n{lastKey}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (long Rv, string LastKey) Decode(string token)
    {
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            var nl = text.IndexOf('\n');
            return (long.Parse(text[..nl]), text[(nl + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new ApiException(ApiStatus.BadRequest($"invalid continue token: {e.Message}"));
        }
    }
}
