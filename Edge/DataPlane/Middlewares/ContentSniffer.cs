using System.Text;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Go's http.DetectContentType (the WHATWG MIME sniffing table Traefik relies on when a response
/// has no Content-Type), over the first 512 bytes: HTML and XML signatures after leading
/// whitespace, the common binary signatures, then text or application/octet-stream. The audio,
/// video and font entries Go also knows, other than those listed here, come out as octet-stream.
/// </summary>
public static class ContentSniffer
{
    private const int SniffLength = 512;

    private static readonly string[] HtmlTags =
    [
        "<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A",
        "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--",
    ];

    private static readonly (byte[] Prefix, string Type)[] Exact =
    [
        (Bytes("%PDF-"), "application/pdf"),
        (Bytes("%!PS-Adobe-"), "application/postscript"),
        ([0xFE, 0xFF], "text/plain; charset=utf-16be"),
        ([0xFF, 0xFE], "text/plain; charset=utf-16le"),
        ([0xEF, 0xBB, 0xBF], "text/plain; charset=utf-8"),
        ([0x00, 0x00, 0x01, 0x00], "image/x-icon"),
        ([0x00, 0x00, 0x02, 0x00], "image/x-icon"),
        (Bytes("BM"), "image/bmp"),
        (Bytes("GIF87a"), "image/gif"),
        (Bytes("GIF89a"), "image/gif"),
        ([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
        ([0xFF, 0xD8, 0xFF], "image/jpeg"),
        (Bytes("ID3"), "audio/mpeg"),
        ([(byte)'O', (byte)'g', (byte)'g', (byte)'S', 0x00], "application/ogg"),
        ([0x1A, 0x45, 0xDF, 0xA3], "video/webm"),
        (Bytes("wOFF"), "font/woff"),
        (Bytes("wOF2"), "font/woff2"),
        ([0x1F, 0x8B, 0x08], "application/x-gzip"),
        ([(byte)'P', (byte)'K', 0x03, 0x04], "application/zip"),
        ([(byte)'R', (byte)'a', (byte)'r', (byte)'!', 0x1A, 0x07, 0x00], "application/x-rar-compressed"),
        ([(byte)'R', (byte)'a', (byte)'r', (byte)'!', 0x1A, 0x07, 0x01, 0x00], "application/x-rar-compressed"),
        ([0x00, 0x61, 0x73, 0x6D], "application/wasm"),
    ];

    private static byte[] Bytes(string s) => Encoding.ASCII.GetBytes(s);

    public static string Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length > SniffLength) data = data[..SniffLength];
        int ws = 0;
        while (ws < data.Length && data[ws] is (byte)'\t' or (byte)'\n' or 0x0C or (byte)'\r' or (byte)' ') ws++;
        var trimmed = data[ws..];
        foreach (var tag in HtmlTags)
            if (HtmlMatch(trimmed, tag)) return "text/html; charset=utf-8";
        if (MaskedPrefix(trimmed, "<?xml")) return "text/xml; charset=utf-8";
        foreach (var (prefix, type) in Exact)
            if (data.StartsWith(prefix)) return type;
        if (Riff(data, "WEBPVP")) return "image/webp";
        if (Riff(data, "AVI ")) return "video/avi";
        if (Riff(data, "WAVE")) return "audio/wave";
        foreach (var b in trimmed)
            if (b <= 0x08 || b == 0x0B || (b >= 0x0E && b <= 0x1A) || (b >= 0x1C && b <= 0x1F)) return "application/octet-stream";
        return "text/plain; charset=utf-8";
    }

    /// <summary>A tag, letters compared case-insensitively, then a tag-terminating byte (space or '>').</summary>
    private static bool HtmlMatch(ReadOnlySpan<byte> data, string tag)
    {
        if (data.Length < tag.Length + 1) return false;
        if (!MaskedPrefix(data, tag)) return false;
        return data[tag.Length] is (byte)' ' or (byte)'>';
    }

    private static bool MaskedPrefix(ReadOnlySpan<byte> data, string prefix)
    {
        if (data.Length < prefix.Length) return false;
        for (int i = 0; i < prefix.Length; i++)
        {
            byte b = data[i], p = (byte)prefix[i];
            if (p is >= (byte)'A' and <= (byte)'Z') b &= 0xDF;   // Go's mask: letters case-insensitive
            if (b != p) return false;
        }
        return true;
    }

    private static bool Riff(ReadOnlySpan<byte> data, string form) =>
        data.Length >= 8 + form.Length && data.StartsWith("RIFF"u8) && MaskedPrefix(data[8..], form);
}
