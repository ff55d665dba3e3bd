using System.Text.Json.Serialization;

namespace Edge.Api;

/// <summary>
/// What every element of Traefik's API adds to its configuration (runtime.RouterInfo and its
/// TCP, service and middleware siblings): its error and status, then, in the /api/http/* and
/// /api/tcp/* lists, its name and provider. Written after the configuration's own fields, in
/// Traefik's order (the orders below; who uses an element comes between status and name).
/// </summary>
public abstract class ApiElementStatus
{
    /// <summary>The order of the element's users (<c>using</c>, <c>usedBy</c>) and, after it, of <c>serverStatus</c>.</summary>
    public const int UsageOrder = 12;

    [JsonPropertyName("error"), JsonPropertyOrder(10)] public List<string>? Error { get; set; }
    [JsonPropertyName("status"), JsonPropertyOrder(11)] public string Status { get; set; } = "enabled";
    [JsonPropertyName("name"), JsonPropertyOrder(20)] public string? Name { get; set; }
    [JsonPropertyName("provider"), JsonPropertyOrder(21)] public string? Provider { get; set; }
}

/// <summary>A service or middleware: used by routers (or services), with a type in the lists.</summary>
public abstract class ApiUsedElementStatus : ApiElementStatus
{
    [JsonPropertyName("usedBy"), JsonPropertyOrder(UsageOrder)] public List<string>? UsedBy { get; set; }
    [JsonPropertyName("type"), JsonPropertyOrder(22)] public string? Type { get; set; }
}
