using System.Text.Json.Serialization;

namespace Edge.Model;

/// <summary>
/// Traefik's <c>http.serversTransports.&lt;name&gt;</c> (pkg/config/dynamic/http_config.go), with its JSON
/// names. rootCAs and certificates hold a file path or PEM content each (Traefik's FileOrContent).
/// </summary>
public sealed class ServersTransport
{
    [JsonPropertyName("serverName")] public string? ServerName { get; set; }
    [JsonPropertyName("insecureSkipVerify"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool InsecureSkipVerify { get; set; }
    [JsonPropertyName("rootCAs")] public List<string>? RootCAs { get; set; }
    [JsonPropertyName("certificates")] public List<TlsCertificate>? Certificates { get; set; }
    [JsonPropertyName("cipherSuites")] public List<string>? CipherSuites { get; set; }
    [JsonPropertyName("minVersion")] public string? MinVersion { get; set; }
    [JsonPropertyName("maxVersion")] public string? MaxVersion { get; set; }
    [JsonPropertyName("maxIdleConnsPerHost"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int MaxIdleConnsPerHost { get; set; }
    [JsonPropertyName("forwardingTimeouts")] public ForwardingTimeouts? ForwardingTimeouts { get; set; }
    [JsonPropertyName("disableHTTP2"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool DisableHttp2 { get; set; }
    [JsonPropertyName("peerCertURI")] public string? PeerCertUri { get; set; }
    /// <summary>Read so that it can be refused by name: Edge has no SPIFFE workload API client.</summary>
    [JsonPropertyName("spiffe")] public System.Text.Json.JsonElement? Spiffe { get; set; }

    /// <summary>The namespace of the ServersTransport object (CRD provider); tenancy lets only that namespace's services use it.</summary>
    [JsonIgnore] public string? Namespace { get; set; }

}

/// <summary>
/// Traefik's forwarding timeouts. Go durations as text ("30s"); Traefik also reads a bare number
/// as seconds, which <see cref="GoDurationTextConverter"/> accepts.
/// </summary>
public sealed class ForwardingTimeouts
{
    [JsonPropertyName("dialTimeout"), JsonConverter(typeof(GoDurationTextConverter))] public string? DialTimeout { get; set; }
    [JsonPropertyName("responseHeaderTimeout"), JsonConverter(typeof(GoDurationTextConverter))] public string? ResponseHeaderTimeout { get; set; }
    [JsonPropertyName("idleConnTimeout"), JsonConverter(typeof(GoDurationTextConverter))] public string? IdleConnTimeout { get; set; }
    [JsonPropertyName("readIdleTimeout"), JsonConverter(typeof(GoDurationTextConverter))] public string? ReadIdleTimeout { get; set; }
    [JsonPropertyName("pingTimeout"), JsonConverter(typeof(GoDurationTextConverter))] public string? PingTimeout { get; set; }
}

/// <summary>A duration written as Go text or as a number of seconds (Traefik's paerser Duration); kept as text.</summary>
public sealed class GoDurationTextConverter : JsonConverter<string>
{
    public override string? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            System.Text.Json.JsonTokenType.Number => reader.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture) + "s",
            System.Text.Json.JsonTokenType.Null => null,
            _ => reader.GetString(),
        };

    public override void Write(System.Text.Json.Utf8JsonWriter writer, string value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}
