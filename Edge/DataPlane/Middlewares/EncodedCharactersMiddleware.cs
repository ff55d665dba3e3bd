using Edge.Model;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's encodedCharacters middleware: a request whose escaped path (as it is at this point of
/// the chain) holds one of the denied encodings (%2F, %5C, %00, %3B, %25, %3F, %23, either hex
/// case) is answered 400 with an empty body; every one is denied unless its allowEncoded* is true.
/// A '%' too close to the end to be an encoding is 400 as well, as in Traefik.
/// </summary>
internal sealed class EncodedCharactersMiddleware : HttpMiddleware
{
    private readonly HashSet<byte> _denied = [];

    public EncodedCharactersMiddleware(EncodedCharactersConfig c)
    {
        if (c.AllowEncodedSlash != true) _denied.Add(0x2F);
        if (c.AllowEncodedBackSlash != true) _denied.Add(0x5C);
        if (c.AllowEncodedNullCharacter != true) _denied.Add(0x00);
        if (c.AllowEncodedSemicolon != true) _denied.Add(0x3B);
        if (c.AllowEncodedPercent != true) _denied.Add(0x25);
        if (c.AllowEncodedQuestionMark != true) _denied.Add(0x3F);
        if (c.AllowEncodedHash != true) _denied.Add(0x23);
    }

    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        if (_denied.Count == 0) return next(r);
        var path = r.Path.Escaped;
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] != '%') continue;
            if (i + 2 >= path.Length || !byte.TryParse(path.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b)
                || _denied.Contains(b))
            {
                r.Context.Response.StatusCode = 400;
                return Task.CompletedTask;
            }
            i += 2;
        }
        return next(r);
    };
}
