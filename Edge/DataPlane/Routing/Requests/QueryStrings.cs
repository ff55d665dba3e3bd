using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Edge.GoCompat;

namespace Edge.DataPlane.Routing.Requests;

/// <summary>
/// Allocation-free reading of a raw query string with Go's url.ParseQuery rules (v3) or
/// gorilla/mux's findFirstQueryKey rules (v2): values are compared after percent-decoding, which is
/// done into stack buffers instead of building a dictionary per request.
/// </summary>
internal static class QueryStrings
{
    private const int StackLimit = 512;

    /// <summary>
    /// Moves to the next non-empty key[=value] pair. v3 (Go ≥ 1.17) splits on '&amp;' only and skips
    /// pairs containing ';'; v2 (mux) splits on both '&amp;' and ';'.
    /// </summary>
    public static bool NextPair(ref ReadOnlySpan<char> rest, bool semicolonSeparates, out ReadOnlySpan<char> key, out ReadOnlySpan<char> value)
    {
        while (!rest.IsEmpty)
        {
            int sep = semicolonSeparates ? rest.IndexOfAny('&', ';') : rest.IndexOf('&');
            ReadOnlySpan<char> seg;
            if (sep < 0)
            {
                seg = rest;
                rest = [];
            }
            else
            {
                seg = rest[..sep];
                rest = rest[(sep + 1)..];
            }

            if (seg.IsEmpty || (!semicolonSeparates && seg.IndexOf(';') >= 0))
            {
                continue;
            }

            int eq = seg.IndexOf('=');
            key = eq < 0 ? seg : seg[..eq];
            value = eq < 0 ? [] : seg[(eq + 1)..];
            return true;
        }

        key = value = [];
        return false;
    }

    /// <summary>1 when the decoded text equals the UTF-8 bytes, 0 when it differs, -1 when the escape is invalid.</summary>
    public static int DecodedEquals(ReadOnlySpan<char> raw, ReadOnlySpan<byte> expected)
    {
        if (raw.IndexOfAny('%', '+') < 0 && Ascii.IsValid(raw))
        {
            return Ascii.Equals(expected, raw) ? 1 : 0;
        }

        int max = raw.Length * 3;
        byte[]? rented = max > StackLimit ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buf = rented ?? stackalloc byte[StackLimit];
        try
        {
            if (!TryDecode(raw, buf, out int n))
            {
                return -1;
            }

            return buf[..n].SequenceEqual(expected) ? 1 : 0;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Runs <paramref name="regex"/> over prefix + decoded(raw); -1 when the escape is invalid.</summary>
    public static int DecodedMatches(ReadOnlySpan<char> prefix, ReadOnlySpan<char> raw, Regex regex)
    {
        int maxBytes = raw.Length * 3;
        int maxChars = prefix.Length + maxBytes;
        byte[]? rentedBytes = maxBytes > StackLimit ? ArrayPool<byte>.Shared.Rent(maxBytes) : null;
        char[]? rentedChars = maxChars > StackLimit ? ArrayPool<char>.Shared.Rent(maxChars) : null;
        Span<byte> bytes = rentedBytes ?? stackalloc byte[StackLimit];
        Span<char> chars = rentedChars ?? stackalloc char[StackLimit];
        try
        {
            if (!TryDecode(raw, bytes, out int n))
            {
                return -1;
            }

            prefix.CopyTo(chars);
            int count = prefix.Length + Encoding.UTF8.GetChars(bytes[..n], chars[prefix.Length..]);
            return regex.IsMatch(chars[..count]) ? 1 : 0;
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }

            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }
        }
    }

    /// <summary>Go's url.QueryUnescape into bytes: '+' is a space, '%' must be followed by two hex digits.</summary>
    public static bool TryDecode(ReadOnlySpan<char> raw, Span<byte> dest, out int written)
    {
        written = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length)
                {
                    return false;
                }

                int hi = GoString.HexValue(raw[i + 1]);
                int lo = GoString.HexValue(raw[i + 2]);
                if (hi < 0 || lo < 0)
                {
                    return false;
                }

                dest[written++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else if (c == '+')
            {
                dest[written++] = (byte)' ';
            }
            else if (c < 0x80)
            {
                dest[written++] = (byte)c;
            }
            else
            {
                int len = char.IsSurrogatePair(raw[i], i + 1 < raw.Length ? raw[i + 1] : '\0') ? 2 : 1;
                written += Encoding.UTF8.GetBytes(raw.Slice(i, len), dest[written..]);
                i += len - 1;
            }
        }

        return true;
    }
}
