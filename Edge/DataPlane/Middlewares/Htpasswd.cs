using System.Security.Cryptography;
using System.Text;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Password hashes of htpasswd lines, as Traefik's basicAuth checks them: <c>{SHA}</c> (base64
/// SHA-1), <c>$apr1$</c> (Apache MD5) and <c>$1$</c> (MD5-crypt). Comparisons are constant-time.
/// </summary>
public static class Htpasswd
{
    private const string Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Whether Edge can verify passwords against <paramref name="hash"/>; the reason when not.</summary>
    public static string? Unsupported(string hash) =>
        hash.StartsWith("{SHA}", StringComparison.Ordinal) || hash.StartsWith("$apr1$", StringComparison.Ordinal) || hash.StartsWith("$1$", StringComparison.Ordinal)
            ? null
            : hash.StartsWith("$2", StringComparison.Ordinal)
                ? Security.Bcrypt.Problem(hash)
                : "unsupported password hash (expected bcrypt $2y$, {SHA}, $apr1$ or $1$)";

    public static bool Verify(string password, string hash)
    {
        if (hash.StartsWith("$2", StringComparison.Ordinal)) return Security.Bcrypt.Verify(password, hash);
        if (hash.StartsWith("{SHA}", StringComparison.Ordinal))
        {
            var expected = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
            return FixedEquals(expected, hash[5..]);
        }
        foreach (var magic in (ReadOnlySpan<string>)["$apr1$", "$1$"])
        {
            if (!hash.StartsWith(magic, StringComparison.Ordinal)) continue;
            var rest = hash[magic.Length..];
            int dollar = rest.IndexOf('$');
            if (dollar < 0) return false;
            return FixedEquals(Md5Crypt(password, rest[..dollar], magic), hash);
        }
        return false;
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Poul-Henning Kamp's MD5-crypt, with Apache's "$apr1$" magic or the original "$1$".</summary>
    public static string Md5Crypt(string password, string salt, string magic)
    {
        if (salt.Length > 8) salt = salt[..8];
        var pw = Encoding.UTF8.GetBytes(password);
        var s = Encoding.UTF8.GetBytes(salt);
        var m = Encoding.UTF8.GetBytes(magic);

        var alt = MD5.HashData([.. pw, .. s, .. pw]);
        var ctx = new List<byte>(pw.Length * 3 + 64);
        ctx.AddRange(pw); ctx.AddRange(m); ctx.AddRange(s);
        for (int i = pw.Length; i > 0; i -= 16) ctx.AddRange(alt.AsSpan(0, Math.Min(16, i)));
        for (int i = pw.Length; i != 0; i >>= 1) ctx.Add((i & 1) != 0 ? (byte)0 : (pw.Length > 0 ? pw[0] : (byte)0));
        var final = MD5.HashData(ctx.ToArray());

        for (int i = 0; i < 1000; i++)
        {
            ctx.Clear();
            if ((i & 1) != 0) ctx.AddRange(pw); else ctx.AddRange(final);
            if (i % 3 != 0) ctx.AddRange(s);
            if (i % 7 != 0) ctx.AddRange(pw);
            if ((i & 1) != 0) ctx.AddRange(final); else ctx.AddRange(pw);
            final = MD5.HashData(ctx.ToArray());
        }

        var sb = new StringBuilder(magic).Append(salt).Append('$');
        void To64(int v, int n) { for (int k = 0; k < n; k++) { sb.Append(Itoa64[v & 0x3f]); v >>= 6; } }
        To64((final[0] << 16) | (final[6] << 8) | final[12], 4);
        To64((final[1] << 16) | (final[7] << 8) | final[13], 4);
        To64((final[2] << 16) | (final[8] << 8) | final[14], 4);
        To64((final[3] << 16) | (final[9] << 8) | final[15], 4);
        To64((final[4] << 16) | (final[10] << 8) | final[5], 4);
        To64(final[11], 2);
        return sb.ToString();
    }
}
