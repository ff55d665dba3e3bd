using System.Text;
using Edge.GoCompat;

namespace Edge.DataPlane.Routing.Requests;

/// <summary>
/// Traefik matches paths on a "routing path": the escaped request path with percent-escapes of
/// unreserved characters decoded, and reserved ones (RFC 3986 gen-delims, sub-delims and '%')
/// kept encoded, so PathPrefix(`/foo bar`) matches /foo%20bar while %2F does not become a '/'.
/// </summary>
public static class RoutingPath
{
    /// <summary>Returns null when the escaping is invalid (Traefik answers 400).</summary>
    public static string? FromEscaped(ReadOnlySpan<char> escaped)
    {
        if (escaped.IndexOf('%') < 0)
        {
            return escaped.ToString();
        }

        var bytes = new List<byte>(escaped.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < escaped.Length; i++)
        {
            char c = escaped[i];
            if (c != '%')
            {
                int n = Encoding.UTF8.GetBytes(escaped.Slice(i, char.IsHighSurrogate(c) && i + 1 < escaped.Length ? 2 : 1), utf8);
                i += char.IsHighSurrogate(c) && i + 1 < escaped.Length ? 1 : 0;
                for (int k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }

                continue;
            }

            if (i + 2 >= escaped.Length)
            {
                return null;
            }

            int hi = GoString.HexValue(escaped[i + 1]), lo = GoString.HexValue(escaped[i + 2]);
            if (hi < 0 || lo < 0)
            {
                return null;
            }

            byte b = (byte)((hi << 4) | lo);
            // Traefik looks escapes up in a table of upper-case forms ("%2F"), so only those stay
            // encoded; a lower-case "%2f" is decoded like any other character.
            if (IsReserved(b) && !char.IsAsciiLetterLower(escaped[i + 1]) && !char.IsAsciiLetterLower(escaped[i + 2]))
            {
                bytes.Add((byte)'%');
                bytes.Add((byte)escaped[i + 1]);
                bytes.Add((byte)escaped[i + 2]);
            }
            else
            {
                bytes.Add(b);
            }

            i += 2;
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>
    /// RFC 3986 remove_dot_segments, applied after decoding so that "/a/%2e%2e/b" is routed as "/b",
    /// the same path Kestrel normalises and the forwarder sends: a request cannot be routed by one
    /// path and delivered as another.
    /// </summary>
    public static string RemoveDotSegments(string path)
    {
        if (path.IndexOf('.') < 0) return path;
        var output = new List<string>();
        var segments = path.Split('/');
        for (int i = 1; i < segments.Length; i++)
        {
            var seg = segments[i];
            bool last = i == segments.Length - 1;
            if (seg == ".")
            {
                if (last) output.Add("");
                continue;
            }
            if (seg == "..")
            {
                if (output.Count > 0) output.RemoveAt(output.Count - 1);
                if (last) output.Add("");
                continue;
            }
            output.Add(seg);
        }
        return "/" + string.Join('/', output);
    }

    private static bool IsReserved(byte b) => b switch
    {
        (byte)':' or (byte)'/' or (byte)'?' or (byte)'#' or (byte)'[' or (byte)']' or (byte)'@' => true,
        (byte)'!' or (byte)'$' or (byte)'&' or (byte)'\'' or (byte)'(' or (byte)')' or (byte)'*' => true,
        (byte)'+' or (byte)',' or (byte)';' or (byte)'=' or (byte)'%' => true,
        _ => false,
    };
}
