using System.Text.Json.Serialization;

namespace Edge.Api;

/// <summary>A stripPrefix middleware as /api/rawdata shows it (only the internal dashboard one exists).</summary>
public sealed class StripPrefixInfo
{
    [JsonPropertyName("prefixes")] public List<string> Prefixes { get; set; } = new();
}
