using System.Security.Cryptography;
using System.Text;

namespace Edge.Security;

/// <summary>
/// bcrypt password hashes (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>; Provos and Mazières' EksBlowfish,
/// as OpenBSD and Go's x/crypto/bcrypt compute them), for htpasswd users made with
/// <c>htpasswd -B</c>, the format Traefik's basicAuth documentation uses. Verification only: Edge
/// never creates password hashes. Only the first 72 bytes of a password count, as in every bcrypt.
/// </summary>
public static class Bcrypt
{
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly uint[] MagicText = Words("OrpheanBeholderScryDoubt"u8);

    /// <summary>Why <paramref name="hash"/> is not a bcrypt hash Edge can check; null when it is.</summary>
    public static string? Problem(string hash)
    {
        if (hash.Length != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$')
            return "malformed bcrypt hash (expected $2b$<cost>$<53 characters>)";
        if (hash[2] is not ('a' or 'b' or 'y'))
            return $"bcrypt variant $2{hash[2]}$ is not supported (expected $2a$, $2b$ or $2y$)";
        if (!int.TryParse(hash.AsSpan(4, 2), out int cost) || cost < 4 || cost > 31)
            return "bcrypt cost must be between 04 and 31";
        foreach (var c in hash.AsSpan(7))
            if (Alphabet.IndexOf(c) < 0) return "malformed bcrypt hash (a character outside bcrypt's base64)";
        return null;
    }

    public static bool Verify(string password, string hash)
    {
        if (Problem(hash) is not null) return false;
        int cost = int.Parse(hash.AsSpan(4, 2));
        var salt = Decode(hash.AsSpan(7, 22), 16);
        var expected = Encoding.ASCII.GetBytes(hash[29..]);
        var actual = Encoding.ASCII.GetBytes(Encode(Hash(password, salt, cost), 23));
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>The 24-byte EksBlowfish output for the password (NUL-terminated, at most 72 bytes) and a 16-byte salt.</summary>
    internal static byte[] Hash(string password, byte[] salt, int cost)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        var key = new byte[Math.Min(bytes.Length + 1, 72)];
        Array.Copy(bytes, key, Math.Min(bytes.Length, key.Length));   // the NUL terminator is the last byte when it fits
        var p = (uint[])BlowfishTables.P.Clone();
        var s = (uint[])BlowfishTables.S.Clone();
        ExpandKey(p, s, key, salt);
        for (long i = 1L << cost; i > 0; i--)
        {
            ExpandKey(p, s, key, null);
            ExpandKey(p, s, salt, null);
        }
        var text = (uint[])MagicText.Clone();
        for (int round = 0; round < 64; round++)
            for (int j = 0; j < text.Length; j += 2)
                Encipher(p, s, ref text[j], ref text[j + 1]);
        var output = new byte[24];
        for (int j = 0; j < text.Length; j++)
        {
            output[4 * j] = (byte)(text[j] >> 24); output[4 * j + 1] = (byte)(text[j] >> 16);
            output[4 * j + 2] = (byte)(text[j] >> 8); output[4 * j + 3] = (byte)text[j];
        }
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(bytes);
        return output;
    }

    // Blowfish's key schedule, salted as in EksBlowfish: the key is XORed into P, then the state is
    // re-encrypted in place, each block first XORed with the next salt words (none: plain ExpandKey).
    private static void ExpandKey(uint[] p, uint[] s, byte[] key, byte[]? salt)
    {
        int k = 0;
        for (int i = 0; i < p.Length; i++) p[i] ^= StreamWord(key, ref k);
        uint l = 0, r = 0;
        int n = 0;
        for (int i = 0; i < p.Length; i += 2)
        {
            if (salt is not null) { l ^= StreamWord(salt, ref n); r ^= StreamWord(salt, ref n); }
            Encipher(p, s, ref l, ref r);
            p[i] = l; p[i + 1] = r;
        }
        for (int i = 0; i < s.Length; i += 2)
        {
            if (salt is not null) { l ^= StreamWord(salt, ref n); r ^= StreamWord(salt, ref n); }
            Encipher(p, s, ref l, ref r);
            s[i] = l; s[i + 1] = r;
        }
    }

    private static uint StreamWord(byte[] data, ref int offset)
    {
        uint word = 0;
        for (int i = 0; i < 4; i++)
        {
            word = (word << 8) | data[offset];
            offset = (offset + 1) % data.Length;
        }
        return word;
    }

    private static void Encipher(uint[] p, uint[] s, ref uint left, ref uint right)
    {
        uint l = left ^ p[0], r = right;
        for (int i = 1; i <= 16; i += 2)
        {
            r ^= F(s, l) ^ p[i];
            l ^= F(s, r) ^ p[i + 1];
        }
        left = r ^ p[17];
        right = l;
    }

    private static uint F(uint[] s, uint x) =>
        ((s[x >> 24] + s[256 + ((x >> 16) & 0xff)]) ^ s[512 + ((x >> 8) & 0xff)]) + s[768 + (x & 0xff)];

    private static uint[] Words(ReadOnlySpan<byte> text)
    {
        var words = new uint[text.Length / 4];
        for (int i = 0; i < words.Length; i++)
            words[i] = (uint)(text[4 * i] << 24 | text[4 * i + 1] << 16 | text[4 * i + 2] << 8 | text[4 * i + 3]);
        return words;
    }

    // bcrypt's own base64: its alphabet, no padding.
    internal static string Encode(byte[] data, int length)
    {
        var sb = new StringBuilder();
        int i = 0;
        while (i < length)
        {
            int c1 = data[i++];
            sb.Append(Alphabet[c1 >> 2]);
            c1 = (c1 & 0x03) << 4;
            if (i >= length) { sb.Append(Alphabet[c1]); break; }
            int c2 = data[i++];
            c1 |= c2 >> 4;
            sb.Append(Alphabet[c1]);
            c1 = (c2 & 0x0f) << 2;
            if (i >= length) { sb.Append(Alphabet[c1]); break; }
            c2 = data[i++];
            c1 |= c2 >> 6;
            sb.Append(Alphabet[c1]);
            sb.Append(Alphabet[c2 & 0x3f]);
        }
        return sb.ToString();
    }

    internal static byte[] Decode(ReadOnlySpan<char> text, int length)
    {
        var output = new byte[length];
        int o = 0, i = 0;
        while (o < length && i + 1 < text.Length)
        {
            int c1 = Alphabet.IndexOf(text[i++]), c2 = Alphabet.IndexOf(text[i++]);
            output[o++] = (byte)((c1 << 2) | ((c2 & 0x30) >> 4));
            if (o >= length || i >= text.Length) break;
            int c3 = Alphabet.IndexOf(text[i++]);
            output[o++] = (byte)(((c2 & 0x0f) << 4) | ((c3 & 0x3c) >> 2));
            if (o >= length || i >= text.Length) break;
            int c4 = Alphabet.IndexOf(text[i++]);
            output[o++] = (byte)(((c3 & 0x03) << 6) | c4);
        }
        return output;
    }
}
