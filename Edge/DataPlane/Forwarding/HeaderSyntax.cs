using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// RFC 9110 §5 header syntax for requests that did not come through the HTTP/1 byte scanner
/// (HTTP/2): a name is a token, a value has no CTL byte other than HTAB. Kestrel's HPACK decoder
/// only refuses NUL, CR and LF, so without this a value such as "a\x0bb" would reach a backend.
/// </summary>
public static class HeaderSyntax
{
    public static bool AreValid(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            if (!IsToken(name.AsSpan(name.Length > 0 && name[0] == ':' ? 1 : 0))) return false;
            foreach (var v in values)
                if (v is not null && !IsValue(v)) return false;
        }
        return true;
    }

    private static bool IsToken(ReadOnlySpan<char> name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c))) return false;
        return true;
    }

    private static bool IsValue(string value)
    {
        foreach (char c in value)
            if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
        return true;
    }
}
