using System.Text.Json.Serialization;

namespace Edge.Api;

/// <summary>A redirectRegex middleware as /api/rawdata shows it (only the internal dashboard one exists).</summary>
public sealed class RedirectRegexInfo
{
    [JsonPropertyName("regex")] public string Regex { get; set; } = "";
    [JsonPropertyName("replacement")] public string Replacement { get; set; } = "";
    [JsonPropertyName("permanent")] public bool Permanent { get; set; }
}
