namespace Edge.Configuration;

/// <summary>Encoded characters an entry point rejects in a request path (<c>http.encodedCharacters</c>).</summary>
[Flags]
public enum DeniedEncodings
{
    None = 0,
    Slash = 1,          // %2F
    BackSlash = 2,      // %5C
    Null = 4,           // %00
    Semicolon = 8,      // %3B
    Percent = 16,       // %25
    QuestionMark = 32,  // %3F
    Hash = 64,          // %23
    All = Slash | BackSlash | Null | Semicolon | Percent | QuestionMark | Hash,
}
